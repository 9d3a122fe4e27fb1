import { describe, expect, it } from 'vitest';
import { recorder, start } from '../test/recorder.ts';
import { beacons } from '../test/setup.ts';

describe('leaving the page', () => {
  it('beacons a sign-up submitted as the page navigates away, and sends it again later until confirmed', async () => {
    document.body.innerHTML = `<form data-journey-signup action="/thanks"><input type="email" value="ada@acme.com"></form>`;
    const form = document.querySelector('form')!;
    form.addEventListener('submit', (event) => event.preventDefault());
    const offline = recorder(() => {
      throw new TypeError('Failed to fetch');
    });
    start({ transport: offline.transport, forms: true, flushInterval: 60_000 });
    form.requestSubmit();
    dispatchEvent(new Event('pagehide')); // the browser navigates before any fetch completes
    await expect.poll(() => beacons.length).toBe(1);
    const { batch, writeKey } = JSON.parse(beacons[0]!.body);
    expect(writeKey).toBe('wk_test');
    expect(batch).toEqual([expect.objectContaining({ event: 'Signed Up', context: expect.objectContaining({ traits: { email: 'ada@acme.com' } }) })]);

    // A beacon gives no answer: the next page sends it again, and the collector keeps one copy.
    const online = recorder();
    const next = start({ transport: online.transport });
    await next.flush();
    expect(online.events().map((event) => event.messageId)).toEqual([batch[0].messageId]);
  });

  it('beacons when the page is hidden, and flushes when it is visible again', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport, flushInterval: 60_000 });
    journey.track('Before hiding');
    await new Promise((resolve) => setTimeout(resolve, 10));
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await expect.poll(() => beacons.length).toBe(1);
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await expect.poll(() => events().length).toBe(1);
  });

  it('resumes sending when the browser comes back online', async () => {
    let online = false;
    const { transport, events } = recorder(() => {
      if (!online) throw new TypeError('Failed to fetch');
      return undefined as never;
    });
    const journey = start({ transport, maxBackoff: 3_600_000 });
    journey.track('Offline');
    await journey.flush();
    online = true;
    dispatchEvent(new Event('online'));
    await expect.poll(() => transport.mock.calls.length).toBe(2);
    expect(events().map((event) => event.event)).toEqual(['Offline', 'Offline']);
  });
});
