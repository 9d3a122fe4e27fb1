import { createStore, promisifyRequest } from 'idb-keyval';
import type { JourneyEvent } from '@journey/protocol';
import { load, savedKeys } from './storage.ts';

export type Entry = [key: string, event: JourneyEvent];

/**
 * Where queued events wait until the collector confirms them. Keys are messageIds, which are
 * time-ordered (uuid.ts), so `all()` returns events in the order they happened.
 */
export interface Store {
  all(): Promise<Entry[]>;
  /** Resolves with the localStorage key it wrote, if it wrote one. */
  put(key: string, event: JourneyEvent): Promise<unknown>;
  remove(keys: string[]): Promise<unknown>;
}

/** IndexedDB through idb-keyval: durable across reloads and crashes, shared by the site's tabs. */
export function indexedDbStore(): Store {
  const store = createStore('journey', 'queue');
  // idb-keyval's set() and delMany() would also bring in its default store; this is all they do.
  const write = (change: (queue: IDBObjectStore) => void) =>
    store('readwrite', (queue) => {
      change(queue);
      return promisifyRequest(queue.transaction);
    });
  return {
    // getAll rather than idb-keyval's entries(): every browser that runs this SDK has it, and
    // entries() carries a cursor fallback for those that do not.
    all: () =>
      store('readonly', (queue) =>
        Promise.all([promisifyRequest(queue.getAllKeys()), promisifyRequest(queue.getAll())]).then(([keys, events]) =>
          keys.map((key, index): Entry => [key as string, events[index]]),
        ),
      ),
    put: (key, event) => write((queue) => queue.put(event, key)),
    remove: (keys) => write((queue) => keys.forEach((key) => queue.delete(key))),
  };
}

/**
 * Where events wait in localStorage, a key each: a closing page's events not yet in its store
 * (delivery.ts), and the localStorage store's. Every page on another store takes them up as it
 * starts, so none is left behind by a page that fell back to localStorage and went.
 */
export const localQueue = 'journey.queue.';

/**
 * localStorage, a key per event, for where IndexedDB is refused: no tab rewrites what another
 * wrote (localStorage has no lock across tabs). Kept small by the queue's cap.
 */
export const localStorageStore = (prefix = localQueue): Store => ({
  // A key another tab removes meanwhile reads as nothing.
  all: async () =>
    savedKeys(prefix)
      .sort()
      .map((key): Entry => [key.slice(prefix.length), load(key)!])
      .filter(([, event]) => event),
  // Throws where localStorage is blocked or full, which moves the queue on to memory.
  put: async (key, event) => (localStorage.setItem(prefix + key, JSON.stringify(event)), prefix + key),
  remove: async (keys) => keys.forEach((key) => localStorage.removeItem(prefix + key)),
});

/** Memory: the last resort, lost with the page. */
export function memoryStore(): Store {
  const entries = new Map<string, JourneyEvent>();
  return {
    all: async () => [...entries].sort(([a], [b]) => (a < b ? -1 : 1)),
    put: async (key, event) => void entries.set(key, event),
    remove: async (keys) => keys.forEach((key) => entries.delete(key)),
  };
}

/**
 * The first store that works: each call tries the current one and, when it fails (IndexedDB is
 * missing in some private modes, refused in sandboxed iframes, or broken by a full disk), moves
 * to the next for good and repeats the call there.
 */
export function firstWorkingStore(makers: Array<() => Store>): Store {
  let current: Store | undefined;
  const store = {} as Record<keyof Store, (...args: never[]) => Promise<unknown>>;
  for (const method of ['all', 'put', 'remove'] as const) {
    store[method] = async (...args) => {
      for (;;) {
        try {
          current ??= makers[0]!();
          return await (current[method] as (...args: never[]) => Promise<unknown>)(...args);
        } catch (error) {
          if (!makers[1]) throw error;
          makers.shift();
          current = undefined;
        }
      }
    };
  }
  return store as unknown as Store;
}
