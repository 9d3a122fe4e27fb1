/**
 * What the SDK did with each event in the chaos test's pages, seen from outside it: the IndexedDB
 * writes (and whether they completed or were aborted), the spill to localStorage and its reading
 * back, each batch posted and its answer, each beacon. A lost event then explains itself: where
 * its trail ends is where it was lost. Pages say it on the console; the test keeps it per mark.
 */
import type { BrowserContext } from 'playwright-core';

const prefix = '[chaos-trace] ';

/** Runs in every page before its scripts (stringified by Playwright: self-contained). */
function trace(prefix: string) {
  const marksOf = (events: unknown[]): string =>
    events
      .map((event) => {
        const e = event as { type?: string; context?: { page?: { search?: string } }; properties?: { step?: string } };
        return e?.type === 'page' ? `page:${new URLSearchParams(e.context?.page?.search ?? '').get('chaos')}` : `track:${e?.properties?.step}`;
      })
      .join(' ');
  const ofBody = (text: unknown): string => {
    try {
      const body = JSON.parse(String(text));
      return marksOf(Array.isArray(body?.batch) ? body.batch : [body]);
    } catch {
      return '';
    }
  };
  const say = (what: string, marks: string) => marks && console.debug(`${prefix}${what} @${Math.round(performance.timeOrigin + performance.now())}: ${marks}`);

  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const request = put.call(this, value, key);
    const marks = marksOf([value]);
    say('idb put', marks);
    this.transaction.addEventListener('complete', () => say('idb written', marks));
    this.transaction.addEventListener('abort', () => say(`idb aborted (${this.transaction.error?.name})`, marks));
    return request;
  };

  const Blob = window.Blob;
  window.Blob = new Proxy(Blob, {
    construct(target, args: [BlobPart[]?, BlobPropertyBag?]) {
      if (typeof args[0]?.[0] === 'string') say('beacon', ofBody(args[0][0]));
      return new target(...args);
    },
  });

  const fetch = window.fetch;
  window.fetch = (input, init) => {
    const marks = String(input).includes('/v1/batch') ? ofBody(init?.body) : '';
    say('posted', marks);
    const answer = fetch(input, init);
    answer.then(
      (response) => say(`answered ${response.status}`, marks),
      (error) => say(`post failed (${String(error).slice(0, 60)})`, marks),
    );
    return answer;
  };
  addEventListener('pagehide', () => say('pagehide', `page:${new URLSearchParams(location.search).get('chaos')}`));
  // Last: reading localStorage throws on pages that have none (about:blank, the browser's error pages).
  let storage: Storage;
  try {
    storage = window.localStorage;
  } catch {
    return;
  }
  const spill = (key: unknown) => String(key).startsWith('journey.queue.');
  const proxy = new Proxy(storage, {
    get(target, key) {
      if (key === 'removeItem') return (name: string) => (spill(name) && say('spill removed', ofBody(target.getItem(name))), target.removeItem(name));
      const value = Reflect.get(target, key);
      if (spill(key)) say('spill read', ofBody(value));
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(target, key, value) {
      if (spill(key)) say('spill written', ofBody(value));
      return Reflect.set(target, key, value);
    },
  });
  Object.defineProperty(window, 'localStorage', { get: () => proxy, configurable: true });
}

/** Keeps what each page's SDK did with each mark, in `trail`, with the time since `began`. */
export async function traceJourney(context: BrowserContext, began: number): Promise<Map<string, string[]>> {
  const trail = new Map<string, string[]>();
  await context.addInitScript(trace, prefix);
  context.on('console', (message) => {
    const text = message.text();
    if (!text.startsWith(prefix)) return;
    const [, what, at, marks] = /^\S+ (.+) @(\d+): (.*)$/.exec(text) ?? [];
    if (!marks) return;
    const line = `${what} at ${((Number(at) - began) / 1000).toFixed(2)} s (${new URL(message.page()?.url() ?? 'about:blank').search})`;
    for (const mark of marks.split(' ')) trail.set(mark, [...(trail.get(mark) ?? []), line]);
  });
  return trail;
}
