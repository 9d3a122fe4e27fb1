import type { IngestResult, JourneyEvent } from '@journey/protocol';
import { localQueue, type Store } from './store.ts';
import { load, save, savedKeys } from './storage.ts';

/** One POST: resolves with what the collector answered, rejects when the network failed. */
export type Transport = (url: string, body: string) => Promise<{ status: number; retryAfter?: number; result?: IngestResult }>;

/** How the queue sends. */
export interface DeliveryOptions {
  writeKey: string;
  /** Send when this many events wait (default 10)… */
  flushAt?: number;
  /** …or when the oldest has waited this long, ms (default 1000). */
  flushInterval?: number;
  /** Most events / bytes per request (default 100 / 60 KB, under the 64 KB a closing page may beacon). */
  batchEvents?: number;
  batchBytes?: number;
  /** Most events / bytes kept while offline (default 1000 / 1 MB); the oldest go first, counted. */
  maxQueue?: number;
  maxQueueBytes?: number;
  /** Longest wait between retries, ms (default 5 minutes). */
  maxBackoff?: number;
}

export interface Delivery {
  /** Stores the event durably, then schedules its sending. */
  enqueue(event: JourneyEvent): Promise<void>;
  /** Sends everything queued now, ignoring any backoff; resolves when done or failed, never rejects. */
  flush(): Promise<void>;
  /** The page is going away: send what it holds with sendBeacon; it stays queued until confirmed. */
  beacon(): void;
  /** Forgets every queued event (opt-out). */
  clear(): Promise<void>;
}

const droppedKey = 'journey.dropped';
const lockKey = 'journey.lock';

/**
 * The batcher. Every event is in the store before anything is sent, and leaves it only after a
 * 2xx: a crash, a reload or a closed tab can cause a re-send, never a loss, and the collector's
 * messageId dedupe turns re-sends into exactly-once counts.
 */
export function createDelivery(
  url: string,
  options: DeliveryOptions,
  store: Store,
  transport: Transport,
  log: (message: string, detail?: unknown) => void,
): Delivery {
  const flushAt = options.flushAt ?? 10;
  const flushInterval = options.flushInterval ?? 1000;
  // Events this page knows are not yet confirmed: what a closing page can still beacon, since
  // IndexedDB cannot be read synchronously.
  const unconfirmed = new Map<string, JourneyEvent>();
  // Events not yet written to the store. A page that goes away aborts IndexedDB writes still
  // under way, so these are spilled to localStorage (which writes at once) and queued next time.
  const unwritten = new Map<string, JourneyEvent>();
  let waiting = 0;
  let attempt = 0;
  let notBefore = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = Infinity;
  let running: Promise<void> | undefined;
  // Writes in call order; a flush waits for those already asked for.
  let writes: Promise<unknown> = Promise.resolve();

  const schedule = (delay: number) => {
    const at = Math.max(Date.now() + delay, notBefore);
    // Sooner than planned, or the plan predates a backoff that now forbids it.
    if (at < due || due < notBefore) {
      clearTimeout(timer);
      due = at;
      timer = setTimeout(() => {
        due = Infinity;
        void run();
      }, at - Date.now());
    }
  };

  // Never rejects: a failing store is logged, and the next enqueue or trigger tries again.
  const run = (asked?: boolean): Promise<void> =>
    (running ??= exclusive(drain, asked)
      .catch((error) => log('flush failed', error))
      .finally(() => (running = undefined)));

  const forget = async (keys: string[]) => {
    await store.remove(keys);
    keys.forEach((key) => unconfirmed.delete(key));
  };

  /** The wire body for a batch: text/plain JSON with the write key in it, so no CORS preflight. */
  const body = (batch: JourneyEvent[]) => JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey: options.writeKey });

  async function drain(): Promise<void> {
    for (;;) {
      const events = await trim(await store.all());
      waiting = events.length;
      if (!waiting) return;
      const batch = take(events);
      // Loss made visible: the count of events dropped from a full queue rides on the next batch.
      const dropped = load<number>(droppedKey);
      let answer: Awaited<ReturnType<Transport>> | undefined;
      try {
        answer = await transport(url, body(dropped ? [{ ...batch[0]!, context: { ...batch[0]!.context, dropped } }, ...batch.slice(1)] : batch));
      } catch (error) {
        log('send failed', error);
      }
      const status = answer?.status ?? 0;
      // Network failure, rate limit, server trouble, or a key or origin not (yet) allowed: retry.
      if (status > 499 || [0, 401, 403, 408, 429].includes(status)) {
        notBefore = Date.now() + Math.max(backoff(++attempt, options.maxBackoff ?? 300_000), (answer?.retryAfter ?? 0) * 1000);
        return schedule(0);
      }
      // A 2xx, or a 4xx that no retry can change: these events are done either way.
      if (status > 299) log(`batch refused (${status}), dropped`, batch);
      answer?.result?.rejected.forEach((rejected) => log('event rejected', rejected));
      if (dropped) save(droppedKey, (load<number>(droppedKey) ?? 0) - dropped || undefined);
      await forget(batch.map((event) => event.messageId));
      attempt = notBefore = 0;
    }
  }

  /** Enforces the queue's caps, oldest first, and counts what it drops so the loss is visible. */
  async function trim(entries: Array<[string, JourneyEvent]>): Promise<JourneyEvent[]> {
    const drop = entries.length - fit(entries.map(([, event]) => event).reverse(), options.maxQueue ?? 1000, options.maxQueueBytes ?? 1e6);
    if (drop) {
      await forget(entries.slice(0, drop).map(([key]) => key));
      save(droppedKey, (load<number>(droppedKey) ?? 0) + drop);
      log('queue full, dropped', drop);
    }
    return entries.slice(drop).map(([, event]) => event);
  }

  /** As many events as fit one request: up to batchEvents, and batchBytes unless it is one event. */
  const take = (events: JourneyEvent[]) => events.slice(0, fit(events, options.batchEvents ?? 100, options.batchBytes ?? 60_000));

  /**
   * One tab flushes at a time (Web Locks; else a lease in localStorage). A tab that finds the
   * lock taken tries again later, in case the holder finished before this tab's events landed.
   * A flush the page asked for waits for the lock instead (or, with only the lease, goes ahead:
   * at worst both tabs send, and the collector keeps one copy).
   */
  function exclusive(work: () => Promise<void>, asked?: boolean): Promise<void> {
    const retryLater = () => schedule(flushInterval);
    if (navigator.locks) {
      return navigator.locks.request('journey.flush', { ifAvailable: !asked }, (lock) => (lock ? work() : retryLater()));
    }
    const now = Date.now();
    if (!asked && (load<number>(lockKey) ?? 0) > now) return Promise.resolve(retryLater());
    save(lockKey, now + 30_000);
    return work().finally(() => save(lockKey, undefined));
  }

  const put = (event: JourneyEvent) => {
    unconfirmed.set(event.messageId, event);
    unwritten.set(event.messageId, event);
    const write = writes.then(() => store.put(event.messageId, event)).then((where) => (unwritten.delete(event.messageId), where));
    writes = write.catch(() => {}); // one failed write must not stop the next
    return write;
  };

  // What earlier pages left in localStorage (store.ts, localQueue): into the store, and out of
  // localStorage once written there, unless the store is localStorage and the key its own.
  for (const key of savedKeys(localQueue)) {
    const event = load<JourneyEvent>(key);
    if (event) put(event).then((where) => where != key && save(key, undefined), () => {});
  }

  return {
    async enqueue(event) {
      await put(event);
      schedule(++waiting < flushAt ? flushInterval : 0);
    },
    async flush() {
      notBefore = 0;
      await writes;
      await running; // a run already under way may have read the queue before these writes
      return run(true);
    },
    beacon() {
      // Spilled where the next page takes them up: a key each, so no tab rewrites another's.
      unwritten.forEach((event, key) => save(localQueue + key, event));
      for (let events = [...unconfirmed.values()], batch; (batch = take(events))[0]; events = events.slice(batch.length)) {
        const text = body(batch);
        if (!navigator.sendBeacon?.(url, new Blob([text], { type: 'text/plain' }))) transport(url, text).catch(() => {});
      }
    },
    async clear() {
      save(droppedKey, undefined);
      savedKeys(localQueue).forEach((key) => save(key, undefined));
      unwritten.clear();
      await forget((await store.all()).map(([key]) => key));
    },
  };
}

/** How many of the events, from the first, fit in `count` events and `bytes` (one at least). */
const fit = (events: JourneyEvent[], count: number, bytes: number): number => {
  let n = 0;
  while (n < events.length && n < count && ((bytes -= JSON.stringify(events[n]).length + 1) >= 0 || !n)) n++;
  return n;
};

/** Exponential with "equal jitter": 1 s, 2 s, 4 s… up to the cap, each between half and all of it. */
export const backoff = (attempt: number, cap: number): number => {
  const ceiling = Math.min(cap, 1000 * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
};

/**
 * fetch, as a simple CORS request: text/plain, no credentials, never a preflight. Given up after
 * `timeout` ms without an answer: a connection the collector accepts and never answers would
 * otherwise hold the queue, and with it every tab's flush lock, until the page goes.
 */
export const fetchTransport = async (url: string, body: string, timeout = 3e4): ReturnType<Transport> => {
  const response = await fetch(url, {
    method: 'POST',
    body,
    keepalive: true,
    credentials: 'omit',
    // A string body goes as text/plain: a simple request, so no preflight.
    signal: AbortSignal.timeout?.(timeout),
  });
  return {
    status: response.status,
    retryAfter: +response.headers.get('Retry-After')!,
    result: response.ok ? await response.json().catch(() => undefined) : undefined,
  };
};
