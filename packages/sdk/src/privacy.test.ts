import { afterEach, describe, expect, it } from 'vitest';
import { recorder, start } from '../test/recorder.ts';

describe('privacy', () => {
  afterEach(() => {
    delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    delete (navigator as { doNotTrack?: string }).doNotTrack;
  });

  it('stops recording and sending after optOut, forgets what was queued, and remembers the choice', async () => {
    const { transport } = recorder(() => ({ status: 503 })); // nothing gets through before the opt-out
    const journey = start({ transport });
    journey.track('Queued before');
    await journey.flush();
    journey.optOut();
    journey.track('After opting out');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sendsBefore = transport.mock.calls.length;
    const later = recorder();
    const reloaded = start({ transport: later.transport });
    reloaded.track('On the next page');
    await reloaded.flush();
    await journey.flush();
    expect(later.events()).toEqual([]);
    expect(transport.mock.calls.length).toBe(sendsBefore);
    expect(localStorage.getItem('journey.optout')).toBe('1');
  });

  it('records again after optIn', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.optOut();
    journey.optIn();
    journey.track('Welcome back');
    await journey.flush();
    expect(events().map((event) => event.event)).toEqual(['Welcome back']);
  });

  it('honours Global Privacy Control by default, unless the visitor opted in on the site', async () => {
    (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl = true;
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.track('Not recorded');
    await journey.flush();
    expect(events()).toEqual([]);
    journey.optIn();
    journey.track('Consented');
    await journey.flush();
    expect(events().map((event) => event.event)).toEqual(['Consented']);
  });

  it('honours Do-Not-Track only when configured to', async () => {
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    const ignoring = recorder();
    const first = start({ transport: ignoring.transport });
    first.track('Recorded');
    await first.flush();
    expect(ignoring.events()).toHaveLength(1);
    const respecting = recorder();
    const second = start({ transport: respecting.transport, respectDnt: true });
    second.track('Not recorded');
    await second.flush();
    expect(respecting.events()).toHaveLength(0);
  });

  it('sets no cookie but its own first-party anonymousId', async () => {
    const journey = start({ transport: recorder().transport });
    journey.track('Ping');
    await journey.flush();
    expect(document.cookie.split('; ').map((cookie) => cookie.split('=')[0])).toEqual(['journey_aid']);
  });
});
