import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JourneyEvent } from '@journey/protocol';
import { firstWorkingStore, indexedDbStore, localStorageStore, memoryStore, type Store } from './store.ts';
import { uuid } from './uuid.ts';

type Sent = JourneyEvent & Record<string, any>;
const event = (name: string) => ({ type: 'track', messageId: uuid(), anonymousId: 'a', event: name }) as Sent;

async function roundTrip(store: Store) {
  const events = ['one', 'two', 'three'].map(event);
  // Written out of order: the store gives them back in the order they happened.
  for (const e of [events[2]!, events[0]!, events[1]!]) await store.put(e.messageId, e);
  expect((await store.all()).map(([, e]) => (e as Sent).event)).toEqual(['one', 'two', 'three']);
  await store.remove([events[0]!.messageId, events[2]!.messageId]);
  expect((await store.all()).map(([, e]) => (e as Sent).event)).toEqual(['two']);
}

describe('stores', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['IndexedDB', indexedDbStore],
    ['localStorage', () => localStorageStore()],
    ['memory', memoryStore],
  ])('%s keeps events in the order they happened', async (_name, make) => {
    await roundTrip(make());
  });

  it('IndexedDB keeps them for the next page', async () => {
    const e = event('kept');
    await indexedDbStore().put(e.messageId, e);
    expect((await indexedDbStore().all()).map(([, stored]) => (stored as Sent).event)).toEqual(['kept']);
  });

  it('falls back to localStorage where IndexedDB is refused', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('refused', 'SecurityError');
      },
    });
    const store = firstWorkingStore([indexedDbStore, () => localStorageStore(), memoryStore]);
    const e = event('saved');
    await store.put(e.messageId, e);
    expect(JSON.parse(localStorage.getItem(`journey.queue.${e.messageId}`)!)).toEqual(e);
    expect((await store.all()).map(([, stored]) => (stored as Sent).event)).toEqual(['saved']);
  });

  it('falls back to memory where localStorage is blocked too', async () => {
    vi.stubGlobal('indexedDB', undefined);
    vi.stubGlobal('localStorage', {
      getItem() {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    const store = firstWorkingStore([indexedDbStore, () => localStorageStore(), memoryStore]);
    await roundTrip(store);
  });
});
