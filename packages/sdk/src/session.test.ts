import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recorder, start } from '../test/recorder.ts';

describe('sessions', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  const sessionOf = async (journey: ReturnType<typeof start>, events: () => Array<{ context?: { sessionId?: string } }>) => {
    journey.track('Ping');
    await journey.flush();
    return events().at(-1)!.context!.sessionId;
  };

  it('keeps a session while the visitor is active, and starts a new one after 30 idle minutes', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport });
    const first = await sessionOf(journey, events);
    vi.advanceTimersByTime(29 * 60_000);
    expect(await sessionOf(journey, events)).toBe(first);
    vi.advanceTimersByTime(29 * 60_000); // 29 minutes after the last activity, 58 after the first
    expect(await sessionOf(journey, events)).toBe(first);
    vi.advanceTimersByTime(31 * 60_000);
    expect(await sessionOf(journey, events)).not.toBe(first);
  });

  it('keeps the landing campaign and click ids for the whole session', async () => {
    history.replaceState(null, '', '/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn&utm_term=crm&utm_content=hero&gclid=abc&other=1');
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.page();
    history.pushState(null, '', '/pricing');
    journey.page();
    journey.track('Requested Demo');
    await journey.flush();
    for (const event of events()) {
      expect(event.context).toMatchObject({
        campaign: { source: 'newsletter', medium: 'email', name: 'autumn', term: 'crm', content: 'hero' },
        clickIds: { gclid: 'abc' },
      });
    }
    expect(new Set(events().map((event) => event.context!.sessionId)).size).toBe(1);
  });

  it('starts a new session when the visitor arrives through another campaign', async () => {
    history.replaceState(null, '', '/?utm_source=newsletter');
    const { transport, events } = recorder();
    const journey = start({ transport });
    journey.page();
    history.pushState(null, '', '/?utm_source=linkedin&utm_medium=paid_social');
    journey.page();
    history.pushState(null, '', '/?utm_source=linkedin&utm_medium=paid_social');
    journey.page('Again');
    await journey.flush();
    const [first, second, third] = events();
    expect(second!.context!.sessionId).not.toBe(first!.context!.sessionId);
    expect(second!.context!.campaign).toEqual({ source: 'linkedin', medium: 'paid_social' });
    expect(third!.context!.sessionId).toBe(second!.context!.sessionId);
  });
});
