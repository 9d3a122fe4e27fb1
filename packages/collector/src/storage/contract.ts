import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { StorageUnavailableError, type NewEvent, type Storage } from './port.ts';

export interface ContractSubject {
  /** A new, empty storage. */
  open(): Promise<Storage>;
  /** The same database again after `close()`: omitted where a database cannot be reopened. */
  reopen?(closed: Storage): Promise<Storage>;
  /** Every row of every table as text, to prove an erasure left nothing behind. */
  dump?(storage: Storage): Promise<string>;
}

let counter = 0;
/** An event as ingestion would hand it over; `payload` is opaque to storage and must come back as is. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  counter += 1;
  const messageId = overrides.messageId ?? `msg-${counter}`;
  return {
    site: 'default',
    messageId,
    type: 'track',
    anonymousId: 'anon-1',
    userId: null,
    groupId: null,
    timestamp: Date.UTC(2026, 0, 1) + counter,
    receivedAt: Date.UTC(2026, 0, 1) + counter,
    payload: JSON.stringify({ messageId, note: 'ünïcödé ✓ 認知' }),
    ...overrides,
  };
}

/** Opens storages for the tests of one describe block and closes them after each test. */
export function opener(subject: ContractSubject): () => Promise<Storage> {
  const opened: Storage[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  });
  return async () => {
    const storage = await subject.open();
    opened.push(storage);
    return storage;
  };
}

/** The specification of the Storage port: every adapter runs it against a real database. */
export function storageContract(name: string, subject: ContractSubject): void {
  describe(`storage contract: ${name}`, () => {
    const open = opener(subject);

    const all = async (storage: Storage, query: Partial<Parameters<Storage['listEvents']>[0]> = {}) =>
      (await storage.listEvents({ limit: 1000, ...query })).events.map((event) => event.payload);

    it('stores events and returns them in arrival order, payload untouched', async () => {
      const storage = await open();
      const events = [newEvent(), newEvent({ type: 'page' }), newEvent({ type: 'identify', userId: 'user-1' })];
      expect(await storage.appendEvents(events)).toEqual({ inserted: [true, true, true] });
      expect(await all(storage)).toEqual(events.map((event) => event.payload));
    });

    it('stores a messageId once per site, however often it arrives', async () => {
      const storage = await open();
      const original = newEvent({ messageId: 'same' });
      expect((await storage.appendEvents([original])).inserted).toEqual([true]);
      const retry = { ...original, payload: '{"retry":true}' };
      expect((await storage.appendEvents([retry, newEvent()])).inserted).toEqual([false, true]);
      expect((await storage.appendEvents([newEvent({ messageId: 'twice' }), newEvent({ messageId: 'twice' })])).inserted).toEqual([
        true,
        false,
      ]);
      const otherSite = newEvent({ messageId: 'same', site: 'docs', payload: '{"site":"docs"}' });
      expect((await storage.appendEvents([otherSite])).inserted).toEqual([true]);
      const payloads = await all(storage);
      expect(payloads.filter((payload) => payload === original.payload)).toHaveLength(1);
      expect(payloads).not.toContain(retry.payload);
      expect(payloads).toHaveLength(4);
    });

    it('stores exactly one copy when the same event arrives concurrently', async () => {
      const storage = await open();
      const event = newEvent({ messageId: 'raced' });
      const results = await Promise.all(Array.from({ length: 8 }, () => storage.appendEvents([event, newEvent()])));
      expect(results.filter((result) => result.inserted[0]).length).toBe(1);
      expect(results.every((result) => result.inserted[1])).toBe(true);
      expect(await all(storage)).toHaveLength(9);
    });

    it('stores a full batch of 500 in one call', async () => {
      const storage = await open();
      const events = Array.from({ length: 500 }, () => newEvent());
      const { inserted } = await storage.appendEvents(events);
      expect(inserted.every(Boolean)).toBe(true);
      expect(await all(storage)).toHaveLength(500);
    });

    it('filters by site, anonymousId, userId, type and time', async () => {
      const storage = await open();
      const t = Date.UTC(2026, 5, 1);
      await storage.appendEvents([
        newEvent({ site: 'a', anonymousId: 'x', type: 'page', timestamp: t - 1 }),
        newEvent({ site: 'a', anonymousId: 'y', userId: 'u', type: 'identify', timestamp: t }),
        newEvent({ site: 'b', anonymousId: 'x', type: 'track', timestamp: t + 1 }),
      ]);
      expect(await all(storage, { site: 'a' })).toHaveLength(2);
      expect(await all(storage, { anonymousId: 'x' })).toHaveLength(2);
      expect(await all(storage, { userId: 'u' })).toHaveLength(1);
      expect(await all(storage, { type: 'track' })).toHaveLength(1);
      expect(await all(storage, { since: t })).toHaveLength(2);
      expect(await all(storage, { site: 'a', anonymousId: 'x', since: t })).toHaveLength(0);
    });

    it('pages through everything with a cursor, no gaps and no repeats', async () => {
      const storage = await open();
      const events = Array.from({ length: 25 }, () => newEvent());
      await storage.appendEvents(events);
      const seen: string[] = [];
      let after: number | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await storage.listEvents({ limit: 10, ...(after === undefined ? {} : { after }) });
        seen.push(...page.events.map((event) => event.payload));
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen).toEqual(events.map((event) => event.payload));
    });

    it('answers pings and reports itself unavailable once closed', async () => {
      const storage = await subject.open();
      await expect(storage.ping()).resolves.toBeUndefined();
      await storage.close();
      await expect(storage.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(storage.appendEvents([newEvent()])).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(storage.listEvents({ limit: 1 })).rejects.toBeInstanceOf(StorageUnavailableError);
    });

    it.skipIf(!subject.reopen)('keeps what it committed across a restart', async () => {
      const storage = await subject.open();
      const events = [newEvent(), newEvent()];
      await storage.appendEvents(events);
      await storage.close();
      const again = await subject.reopen!(storage);
      onTestFinished(() => again.close());
      expect(await all(again)).toEqual(events.map((event) => event.payload));
      expect((await again.appendEvents([events[0]!])).inserted).toEqual([false]);
    });
  });
}
