import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JourneyEvent } from '@journey/protocol';
import { backoff, createDelivery, fetchTransport, type DeliveryOptions, type Transport } from './delivery.ts';
import { localStorageStore, memoryStore, type Store } from './store.ts';
import { uuid } from './uuid.ts';
import { beacons } from '../test/setup.ts';

type Answer = Awaited<ReturnType<Transport>>;
const ok = (batch: JourneyEvent[]): Answer => ({ status: 200, result: { success: true, accepted: batch.length, duplicates: 0, rejected: [] } });

const event = (name = 'Ping', extra: Record<string, unknown> = {}): JourneyEvent =>
  ({ type: 'track', messageId: uuid(), anonymousId: 'anon-1', event: name, ...extra }) as JourneyEvent;

type Sent = JourneyEvent & Record<string, any>;

/** The events spilled to localStorage, by name. */
const spilled = () =>
  Object.keys(localStorage)
    .filter((key) => key.startsWith('journey.queue.'))
    .map((key) => (JSON.parse(localStorage.getItem(key)!) as Sent).event);

function setup(answer: (batch: JourneyEvent[], attempt: number) => Answer | Promise<Answer> = ok, options: Partial<DeliveryOptions> = {}, store: Store = memoryStore()) {
  const sent: Sent[][] = [];
  const bodies: Array<Record<string, unknown>> = [];
  const transport = vi.fn<Transport>(async (_url, body) => {
    const parsed = JSON.parse(body);
    bodies.push(parsed);
    sent.push(parsed.batch);
    return answer(parsed.batch, sent.length);
  });
  const delivery = createDelivery('https://collector.test/v1/batch', { writeKey: 'wk_test', ...options }, store, transport, () => {});
  return { delivery, sent, bodies, transport, store, names: () => sent.flat().map((e) => e.event) };
}

describe('fetchTransport', () => {
  it('gives up a request the collector never answers, so the queue can retry', async () => {
    // fetch is the browser's: this one accepts the request and never answers, as a hung collector.
    const hung = vi.fn((_url: string, init: RequestInit) => new Promise<Response>((_, fail) => init.signal?.addEventListener('abort', () => fail(init.signal!.reason))));
    vi.stubGlobal('fetch', hung);
    try {
      const outcome = await Promise.race([
        fetchTransport('https://collector.test/v1/batch', '{}', 50).then(
          () => 'answered',
          () => 'given up',
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
      ]);
      expect(outcome).toBe('given up');
      expect(hung).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('delivery', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('sends about a second after the first event, or at once when ten wait', async () => {
    const { delivery, sent } = setup();
    await delivery.enqueue(event());
    await vi.advanceTimersByTimeAsync(900);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 10; i++) await delivery.enqueue(event(`e${i}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toHaveLength(10);
  });

  it('splits what waits into requests of at most batchEvents events and batchBytes bytes', async () => {
    const { delivery, sent } = setup(ok, { batchEvents: 3, batchBytes: 2500 });
    for (let i = 0; i < 7; i++) await delivery.enqueue(event(`e${i}`));
    await delivery.flush();
    expect(sent.map((batch) => batch.length)).toEqual([3, 3, 1]);
    sent.length = 0;
    for (let i = 0; i < 3; i++) await delivery.enqueue(event('big', { properties: { blob: 'x'.repeat(900) } }));
    await delivery.flush();
    expect(sent.map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('keeps events until a 2xx, retrying with growing waits, and sends them in order', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9999); // the longest wait each time: 2 s, 4 s, 8 s
    const { delivery, sent, names } = setup((batch, attempt) => (attempt <= 3 ? { status: 503 } : ok(batch)));
    await delivery.enqueue(event('first'));
    await delivery.enqueue(event('second'));
    await delivery.flush();
    const sendsAfter = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      return sent.length;
    };
    expect(sent).toHaveLength(1);
    expect(await sendsAfter(1990)).toBe(1);
    expect(await sendsAfter(10)).toBe(2);
    expect(await sendsAfter(3990)).toBe(2);
    expect(await sendsAfter(10)).toBe(3);
    expect(await sendsAfter(7990)).toBe(3);
    expect(await sendsAfter(10)).toBe(4);
    expect(names()).toEqual(['first', 'second', 'first', 'second', 'first', 'second', 'first', 'second']);
    expect(await sendsAfter(600_000)).toBe(4);
    vi.restoreAllMocks();
  });

  it('caps the backoff at a few minutes', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      const wait = backoff(attempt, 300_000);
      expect(wait).toBeGreaterThanOrEqual(Math.min(300_000, 1000 * 2 ** attempt) / 2);
      expect(wait).toBeLessThanOrEqual(300_000);
    }
  });

  it('honours Retry-After on 429 and 503', async () => {
    const { delivery, sent } = setup((batch, attempt) => (attempt === 1 ? { status: 429, retryAfter: 30 } : ok(batch)));
    await delivery.enqueue(event());
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(2);
  });

  it('retries after a network failure, and after 401 or 403 (a key or origin may be fixed)', async () => {
    const answers: Array<Answer | Error> = [new Error('offline'), { status: 401 }, { status: 403 }];
    const { delivery, sent } = setup((batch) => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? ok(batch);
    });
    await delivery.enqueue(event());
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sent).toHaveLength(4);
  });

  it('drops the events the collector rejected one by one, and a batch it refuses outright, keeping the rest', async () => {
    const { delivery, sent, store } = setup((batch, attempt) =>
      attempt === 1
        ? { status: 200, result: { success: true, accepted: 1, duplicates: 0, rejected: [{ index: 1, errors: [{ path: ['event'], message: 'too long' }] }] } }
        : attempt === 2
          ? { status: 400 }
          : ok(batch),
    );
    await delivery.enqueue(event('good'));
    await delivery.enqueue(event('bad'));
    await delivery.flush();
    expect(await store.all()).toEqual([]);
    await delivery.enqueue(event('malformed'));
    await delivery.flush();
    expect(await store.all()).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('caps the queue, dropping the oldest first, and reports how many it dropped on the next batch', async () => {
    const { delivery, sent, bodies } = setup((batch, attempt) => (attempt === 1 ? { status: 503 } : ok(batch)), { maxQueue: 3 });
    for (const name of ['1', '2', '3', '4', '5']) await delivery.enqueue(event(name));
    await delivery.flush(); // fails: all five were read, two dropped
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.at(-1)!.map((e) => e.event)).toEqual(['3', '4', '5']);
    expect((bodies.at(-1)!.batch as JourneyEvent[])[0]!.context).toEqual({ dropped: 2 });
    // Reported once: the next batch carries no count.
    await delivery.enqueue(event('6'));
    await delivery.flush();
    expect(sent.at(-1)![0]!.context).toBeUndefined();
  });

  it('caps the queue by bytes too', async () => {
    const { delivery, sent } = setup(ok, { maxQueueBytes: 1500 });
    for (let i = 0; i < 4; i++) await delivery.enqueue(event(`e${i}`, { properties: { blob: 'x'.repeat(500) } }));
    await delivery.flush();
    expect(sent.flat().map((e) => e.event)).toEqual(['e2', 'e3']);
  });

  it('sends events left by an earlier page on the first flush', async () => {
    const store = memoryStore();
    const earlier = event('left behind');
    await store.put(earlier.messageId, earlier);
    const { delivery, names } = setup(ok, {}, store);
    await delivery.flush();
    expect(names()).toEqual(['left behind']);
  });

  it('lets one tab flush at a time, without Web Locks too', async () => {
    localStorage.setItem('journey.lock', String(Date.now() + 30_000)); // another tab holds the lease
    const { delivery, sent } = setup();
    await delivery.enqueue(event());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(0);
    localStorage.removeItem('journey.lock');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent).toHaveLength(1);
  });

  it('beacons what the page has not seen confirmed when it goes away, and keeps it queued', async () => {
    const { delivery, store } = setup(() => ({ status: 503 }));
    await delivery.enqueue(event('pending'));
    delivery.beacon();
    await vi.waitFor(() => expect(beacons).toHaveLength(1));
    const body = JSON.parse(beacons[0]!.body);
    expect(beacons[0]!.url).toBe('https://collector.test/v1/batch');
    expect(body).toMatchObject({ writeKey: 'wk_test', batch: [{ event: 'pending' }] });
    expect((await store.all()).map(([, e]) => (e as Sent).event)).toEqual(['pending']);
  });

  it('keeps an event whose write the closing page cut short in localStorage, and queues it on the next page', async () => {
    // IndexedDB aborts a closing page's unfinished writes: a store that never finishes one.
    const stalled: Store = { ...memoryStore(), put: () => new Promise(() => {}) };
    const closing = setup(() => ({ status: 503 }), {}, stalled);
    void closing.delivery.enqueue(event('just before leaving'));
    await vi.advanceTimersByTimeAsync(0);
    closing.delivery.beacon(); // the beacon is lost too: the collector is in trouble
    expect(spilled()).toEqual(['just before leaving']);

    const next = setup();
    await next.delivery.flush();
    expect(next.names()).toEqual(['just before leaving']);
    expect(await next.store.all()).toEqual([]);
    expect(spilled()).toEqual([]);
  });

  it('clears from the spill only what it has written to its store, whatever another tab spills meanwhile', async () => {
    const stalled: Store = { ...memoryStore(), put: () => new Promise(() => {}) };
    const first = setup(() => ({ status: 503 }), {}, stalled);
    void first.delivery.enqueue(event('left by the first tab'));
    await vi.advanceTimersByTimeAsync(0);
    first.delivery.beacon();

    // A tab starts and takes up the spill; its store is slow to write it.
    let written!: () => void;
    const slow: Store = { ...memoryStore(), put: () => new Promise<void>((resolve) => (written = resolve)) };
    setup(() => ({ status: 503 }), {}, slow);
    // Meanwhile another tab closes, spilling its own event.
    const second = setup(() => ({ status: 503 }), {}, { ...memoryStore(), put: () => new Promise(() => {}) });
    void second.delivery.enqueue(event('left by the second tab'));
    await vi.advanceTimersByTimeAsync(0);
    second.delivery.beacon();
    written();
    await vi.advanceTimersByTimeAsync(0);
    expect(spilled()).toEqual(['left by the second tab']);
  });

  it('takes up what a page that fell back to localStorage left there, and sends it', async () => {
    // A page whose IndexedDB failed (Safari drops its connection in long-lived pages) queued an
    // event in localStorage and closed before it was confirmed.
    const left = event('queued in localStorage');
    await localStorageStore().put(left.messageId, left);

    const next = setup(); // this page's store works
    await next.delivery.flush();
    expect(next.names()).toEqual(['queued in localStorage']);
    expect(spilled()).toEqual([]);
  });

  it('leaves what it finds in localStorage there when localStorage is its own store', async () => {
    const left = event('spilled by a closing page');
    await localStorageStore().put(left.messageId, left);
    const refused = setup(() => ({ status: 503 }), {}, localStorageStore());
    await refused.delivery.flush();
    expect(spilled()).toEqual(['spilled by a closing page']);

    const next = setup(ok, {}, localStorageStore());
    await next.delivery.flush();
    expect(next.names()).toEqual(['spilled by a closing page']);
    expect(spilled()).toEqual([]);
  });

  it('falls back to fetch with keepalive when sendBeacon refuses', async () => {
    navigator.sendBeacon = () => false;
    const { delivery, sent } = setup();
    await delivery.enqueue(event('via fetch'));
    delivery.beacon();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[0]!.map((e) => e.event)).toEqual(['via fetch']);
  });
});
