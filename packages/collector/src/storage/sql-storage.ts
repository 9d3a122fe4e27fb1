import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { groupCommit } from './group-commit.ts';
import {
  StorageClosedError,
  StorageUnavailableError,
  type EventPage,
  type EventQuery,
  type NewEvent,
  type Storage,
  type TimelineCursor,
  type TimelinePage,
} from './port.ts';
import { applyFacts, type EventFacts, type RunWrites } from './identity/apply.ts';
import { createFactFilter } from './identity/recent.ts';
import { accountEvents, accountPeople, accountRecord, personDevices, personLabels, personParts, personRecord, personTimeline, resolveAccount, resolvePerson } from './identity/read.ts';
import { erasePerson, mergeAccounts, mergePeople, splitPerson } from './identity/admin.ts';
import { importedReach, importedTouchpoints, importTouchpoints } from './imports.ts';
import { queryLimits, unindexed, type ScopedEvent } from './identity/scope.ts';
import { personId } from '../identity/resolve.ts';
import { changedSince, countAdminChange, deriveStreams, eventsPerBackgroundPass, factsVersion, followEvents } from './journey/rollup.ts';
import { journeyFacts, scopedJourneyFacts } from './journey/facts.ts';
import { forgetStagings, saveStaging, savedStaging } from './journey/saved-staging.ts';
import { accountMergeReach, changeScopes, forgetChangeScopes, identitiesOf, logChangeScope, reachedFrom, type ChangeScope, type Identities } from './journey/change-scopes.ts';
import { exportAccounts, exportPeople } from './export.ts';
import { claimDeliveries, createWebhook, deleteWebhook, enqueue, listDeliveries, listWebhooks, outboxBefore, recordStages, replayDelivery, resetStages, settleDelivery } from './webhooks.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Stores distinct events inside the caller's transaction and tells which were new. */
export type InsertEvents = (trx: Kysely<Database>, events: NewEvent[]) => Promise<boolean[]>;

export interface SqlStorageOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The most bound parameters one statement may carry (SQLite 32766, D1 100, PostgreSQL 65535). */
  maxParameters: number;
  /** The most terms one UNION may have (SQLite 500, D1 5); unlimited by default. */
  maxCompoundSelect?: number;
  /** Where statements run on the caller's thread (embedded SQLite): the rows a whole-site read takes per statement (see QueryLimits). */
  pageRows?: number;
  /** Whether a driver error means "the database cannot serve now" rather than a bug. */
  isUnavailable(error: unknown): boolean;
  /**
   * How events are inserted. By default one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING
   * per chunk: few round trips to a database server. An embedded database may do better.
   */
  insertEvents?: InsertEvents;
  /** Resolves once committed writes are on disk, where the commit itself does not ensure it. */
  afterCommit?: () => Promise<void>;
  /**
   * Serialises changes to the identity graph across processes sharing the database (PostgreSQL:
   * an advisory lock held until commit). One process already serialises them by group commit.
   */
  lockGraph?: (trx: Kysely<Database>) => Promise<void>;
  /**
   * False where the database cannot run a unit of work as one transaction (D1). Then events are
   * written after their facts: a unit cut short leaves its events unstored, the client retries,
   * and the facts, written idempotently, are completed rather than lost behind a duplicate.
   */
  transactional?: boolean;
  /** How a run of writes with nothing to read between them goes to the database (D1: batch()). */
  runWrites?: RunWrites;
  /**
   * How many seqs the journey rollup looks back each pass, where transactions can commit out of
   * seq order (PostgreSQL with several collectors); 0 where commits are serial.
   */
  rollupLookback?: number;
  /** How long after a write the rollup follows it (ms): writes in between are followed together. */
  rollupDelay?: number;
  /** Releases what the adapter holds beside the Kysely instance. */
  onClose?: () => Promise<void>;
  now?: () => number;
}

const eventColumns = 9;

/** More events than this since a version, and kept staging stages whole again rather than follow them. */
const maxFollowedChanges = 50_000;

/** The Storage port on any database Kysely speaks: the adapters only open a connection and say how it fails. */
export function createSqlStorage(options: SqlStorageOptions): Storage {
  const { db, isUnavailable, afterCommit, onClose, lockGraph } = options;
  const now = options.now ?? Date.now;
  const insertEvents = options.insertEvents ?? multiRowInsert(options.maxParameters);
  const transactional = options.transactional ?? true;
  const limits = { maxParameters: options.maxParameters, maxCompoundSelect: options.maxCompoundSelect ?? Number.MAX_SAFE_INTEGER, ...(options.pageRows && { pageRows: options.pageRows }) };
  queryLimits.set(db, limits);
  const recentFacts = createFactFilter();
  const followDelay = options.rollupDelay ?? 1000;
  let closed = false;

  // Every call goes through here, so a driver's "busy", "disk full" or "connection refused" reaches
  // the HTTP layer as StorageUnavailableError (503, retry later) and a bug stays a bug (500).
  async function guard<T>(work: () => Promise<T>): Promise<T> {
    if (closed) throw new StorageClosedError();
    try {
      return await work();
    } catch (error) {
      if (error instanceof StorageUnavailableError || !isUnavailable(error)) throw error;
      throw new StorageUnavailableError('storage is unavailable', { cause: error });
    }
  }

  // Writes that change the graph run one at a time with event writes: the graph is derived
  // from everything committed before, never from a concurrent half.
  const commit = groupCommit(async (work: Array<NewEvent | ((trx: Kysely<Database>) => Promise<unknown>)>): Promise<unknown[]> => {
    const events = work.filter((item): item is NewEvent => typeof item !== 'function');
    const results = new Array<unknown>(work.length);
    let remember = () => {};
    await db.transaction().execute(async (trx) => {
      queryLimits.set(trx, limits);
      // The first event with a (site, messageId) goes to the database; later ones in the same group
      // are duplicates of it, so which copy is stored never depends on the database's row order.
      const first = new Map<string, number>();
      events.forEach((event, index) => {
        const key = eventKey(event.site, event.messageId);
        if (!first.has(key)) first.set(key, index);
      });
      let unique = [...first.values()];
      let inserted = new Set<number>();
      if (transactional) {
        const stored = await insertEvents(trx, unique.map((index) => events[index]!));
        inserted = new Set(unique.filter((_, position) => stored[position]));
      } else {
        const known = await storedAlready(trx, unique.map((index) => events[index]!), options.maxParameters);
        unique = unique.filter((_, position) => !known[position]);
      }
      const facts: EventFacts[] = (transactional ? [...inserted] : unique)
        .map((index) => events[index]!)
        .filter((event) => event.facts)
        .map((event) => ({ site: event.site, messageId: event.messageId, at: event.timestamp, facts: event.facts! }));
      // Subscriptions, read before the identity facts, so the deliveries can tell what is new.
      const outbox = await outboxBefore(trx, (transactional ? [...inserted] : unique).map((index) => events[index]!));
      if (facts.length) {
        const filtered = recentFacts.filter(facts);
        remember = filtered.remember;
        if (filtered.batch.length) {
          await lockGraph?.(trx);
          await applyFacts(trx, filtered.batch, options.runWrites);
        }
      }
      if (!transactional) {
        const stored = await insertEvents(trx, unique.map((index) => events[index]!));
        inserted = new Set(unique.filter((_, position) => stored[position]));
      }
      if (outbox) await enqueue(trx, [...inserted].map((index) => events[index]!), outbox);
      let eventIndex = 0;
      if (work.some((item) => typeof item === 'function')) await lockGraph?.(trx);
      for (const [index, item] of work.entries()) {
        if (typeof item === 'function') results[index] = await item(trx);
        else results[index] = inserted.has(eventIndex++);
      }
    });
    remember();
    return results;
  });

  // Changes that reach the journey facts without new events (admin merges, splits, erasure,
  // imports) are counted with them, and logged with whom they reached where they can say:
  // kept staging follows those and stages whole for the others.
  const writeGraph = <T>(site: string, change: (trx: Kysely<Database>) => Promise<T>, reached?: (trx: Kysely<Database>, result: T) => Promise<ChangeScope | null>) =>
    guard(async () => {
      const counted = async (trx: Kysely<Database>) => {
        const result = await change(trx);
        await logChangeScope(trx, site, await countAdminChange(trx), reached ? await reached(trx, result) : null);
        return result;
      };
      const [result] = await commit([counted]);
      await afterCommit?.();
      return result as T;
    });

  // The rollup follows the events in passes; its writes are serialised with the others like a
  // graph change.
  const rollupOptions = {
    maxParameters: options.maxParameters,
    lookback: options.rollupLookback ?? 0,
    ...(options.runWrites && { runWrites: options.runWrites }),
    write: async <T>(work: (trx: Kysely<Database>) => Promise<T>) => (await commit([work as (trx: Kysely<Database>) => Promise<unknown>]))[0] as T,
  };
  // Each reader's run starts after the one before it ends, so it sees what was stored before it asked.
  let following: Promise<void> = Promise.resolve();
  const afterFollowing = (work: () => Promise<void>) => (following = following.catch(() => {}).then(work));
  const followAll = () =>
    afterFollowing(async () => {
      while (!closed && (await followEvents(db, rollupOptions)) > 0);
    });
  // Kept in step at ingestion, a moment after writes, so a query seldom waits for it. In the
  // background one pass at a time; a pass during which events came is followed by a rest three
  // times as long as it took: under heavy ingestion the rollup falls behind rather than taking the
  // CPU from it, and a query (followAll) catches up what is left. Once writes stop (a backfill
  // ends), it catches up pass after pass, requests let in between.
  let scheduled: { timer: ReturnType<typeof setTimeout>; at: number } | undefined;
  let writes = 0;
  const followSoon = (delay = followDelay) => {
    const at = Date.now() + delay;
    if (scheduled && scheduled.at <= at) return;
    clearTimeout(scheduled?.timer);
    const timer = setTimeout(() => {
      scheduled = undefined;
      guard(followPass).catch(() => {}); // a query retries it, and says why if it fails again
    }, delay);
    (timer as { unref?: () => void }).unref?.();
    scheduled = { timer, at };
  };
  /**
   * An append once its transaction has run: the fsync, then the rollup told. A step of its own, so
   * the wait holds the answer and not the events (under load that wait outlasts two young-generation
   * collections, and rows held through it were promoted to the old generation).
   */
  const durable = (inserted: boolean[]) =>
    guard(async () => {
      // Outside the group commit, so the next group's transaction runs while this one syncs.
      await afterCommit?.();
      if (inserted.includes(true)) {
        writes++;
        followSoon();
      }
      return { inserted };
    });

  const followPass = () =>
    afterFollowing(async () => {
      const started = Date.now();
      const writesBefore = writes;
      const followed = closed ? 0 : await followEvents(db, rollupOptions, eventsPerBackgroundPass);
      // With more waiting, the next pass: after a rest while events come, else at once; with none, once writes come again.
      if (followed >= eventsPerBackgroundPass) followSoon(writes > writesBefore ? 3 * (Date.now() - started) : 0);
    });

  const page = (rows: ScopedEvent[], limit: number): TimelinePage => {
    const events = rows.slice(0, limit);
    const last = events.at(-1);
    return { events, next: rows.length > limit && last ? { at: last.timestamp, seq: last.seq } : null };
  };

  return {
    appendEvents: (events) =>
      events.length === 0 ? guard(async () => ({ inserted: [] })) : guard(() => commit(events) as Promise<boolean[]>).then(durable),

    listEvents: (query: EventQuery) =>
      guard(async (): Promise<EventPage> => {
        let select = db.selectFrom('events').select(['seq', 'payload']).orderBy('seq').limit(query.limit + 1);
        // By a device or a user, their index leads; else the events in seq order, the site checked
        // on each: SQLite would otherwise walk the site's whole index and sort it (0.4 s a page on a
        // million events, rather than milliseconds).
        const byOwner = query.anonymousId !== undefined || query.userId !== undefined;
        if (query.site !== undefined) select = select.where(byOwner ? 'site' : unindexed('site'), '=', query.site);
        if (query.anonymousId !== undefined) select = select.where('anonymous_id', '=', query.anonymousId);
        if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
        if (query.type !== undefined) select = select.where('type', '=', query.type);
        if (query.since !== undefined) select = select.where('timestamp', '>=', query.since);
        if (query.after !== undefined) select = select.where('seq', '>', query.after);
        const rows = await select.execute();
        // PostgreSQL's bigint arrives as a string.
        const events = rows.slice(0, query.limit).map((row) => ({ seq: Number(row.seq), payload: row.payload }));
        return { events, next: rows.length > query.limit ? events.at(-1)!.seq : null };
      }),

    findPerson: (site, ref, options) =>
      guard(async () => {
        const id = await resolvePerson(db, site, ref);
        return id === null ? null : personRecord(db, site, id, options);
      }),

    personLabels: (site, personIds) => guard(() => personLabels(db, site, personIds)),
    personDevices: (site, personIds) => guard(() => personDevices(db, site, personIds)),

    personEvents: (site, ref, { after, limit }) =>
      guard(async () => {
        const id = await resolvePerson(db, site, ref);
        if (id === null) return null;
        return page(await personTimeline(db, site, id, { ...(after && { after }), limit: limit + 1 }), limit);
      }),

    findAccount: (site, ref, options) =>
      guard(async () => {
        const account = await resolveAccount(db, site, ref, options);
        return account && accountRecord(db, site, account, options);
      }),

    accountPeople: (site, ref, options) =>
      guard(async () => {
        const account = await resolveAccount(db, site, ref, options);
        return account && accountPeople(db, site, account, options);
      }),

    accountEvents: (site, ref, { after, limit }, options) =>
      guard(async () => {
        const account = await resolveAccount(db, site, ref, options);
        if (!account) return null;
        return page(await accountEvents(db, site, account, { ...(after && { after }), limit: limit + 1 }, options), limit);
      }),

    // A split or a merge reaches the people it changes: those holding its people's identifiers
    // before and after it. Kept staging follows their streams (as held and as now) from there, as
    // it follows a merge that events made.
    splitPerson: (site, ref, identifiers) => {
      let before: Identities = { persons: [], identifiers: [] };
      return writeGraph(
        site,
        async (trx) => {
          const id = await resolvePerson(trx, site, ref);
          if (id === null) return null;
          before = await identitiesOf(trx, site, [id]);
          await splitPerson(trx, site, id, identifiers, now(), `split:${crypto.randomUUID()}`);
          const split = await resolvePerson(trx, site, identifiers[0]!.value);
          const kept = (await resolvePerson(trx, site, id)) ?? id;
          recentFacts.clear();
          return { kept, split: split ?? personId(site, identifiers[0]!) };
        },
        (trx) => reachedFrom(trx, site, before),
      );
    },

    mergePeople: (site, into, other) => {
      let before: Identities = { persons: [], identifiers: [] };
      return writeGraph(
        site,
        async (trx) => {
          const [target, source] = await Promise.all([resolvePerson(trx, site, into), resolvePerson(trx, site, other)]);
          if (target === null || source === null) return null;
          before = await identitiesOf(trx, site, [target, source]);
          await mergePeople(trx, site, target, source, now(), `merge:${crypto.randomUUID()}`);
          return resolvePerson(trx, site, target);
        },
        (trx) => reachedFrom(trx, site, before),
      );
    },

    mergeAccounts: (site, into, other) => {
      let reached: ChangeScope | null = { streams: [], persons: [], accounts: [] };
      return writeGraph(
        site,
        async (trx) => {
          const options = { autoAccounts: false };
          const [target, source] = await Promise.all([resolveAccount(trx, site, into, options), resolveAccount(trx, site, other, options)]);
          if (!target || !source) return null;
          reached = await accountMergeReach(trx, site, target.id, source.id);
          await mergeAccounts(trx, site, target.id, source.id);
          return target.id;
        },
        async () => reached,
      );
    },

    erasePerson: (site, ref) =>
      writeGraph(site, async (trx) => {
        const id = await resolvePerson(trx, site, ref);
        if (id === null) return null;
        const parts = await personParts(trx, site, id);
        const counts = await erasePerson(trx, site, id);
        await forgetStagings(trx, site);
        await forgetChangeScopes(trx, site);
        // Their devices' touchpoints go with their events (a shared device keeps the others').
        const streams = [...parts.stretches.map((stretch) => stretch.anonymous_id), ...parts.unclaimed, ...parts.strong.filter((s) => s.kind === 'userId').map((s) => `user:${s.value}`)];
        await deriveStreams(trx, site, new Map(streams.map((stream) => [stream, null])), rollupOptions);
        recentFacts.clear();
        return counts;
      }),

    importTouchpoints: (site, touchpoints, { window, now: at }) =>
      writeGraph(
        site,
        (trx) => importTouchpoints(trx, site, touchpoints, window, at),
        (trx, results) => importedReach(trx, site, touchpoints, results),
      ),

    importedTouchpoints: (site, owner) => guard(() => importedTouchpoints(db, site, owner)),

    journeyVersion: (read) =>
      guard(async () => {
        if (read?.settled !== false) await followAll();
        const { position, changes, late } = await factsVersion(db);
        return `${position}:${changes}:${late}`;
      }),

    journeyFacts: (site, factsOptions, read) =>
      guard(async () => {
        if (read?.settled !== false) await followAll();
        return journeyFacts(db, site, factsOptions);
      }),

    journeyChanges: (site, since, read) =>
      guard(async () => {
        if (read?.settled !== false) await followAll();
        const { position, changes, late } = await factsVersion(db);
        const version = `${position}:${changes}:${late}`;
        // Late commits move no position: the margin changedSince looks back covers them.
        const [from, fromChanges] = since.split(':').map(Number);
        if (!(from! <= position)) return { version, full: true };
        const reached = await changeScopes(db, site, fromChanges!, changes);
        const changed = reached && (await changedSince(db, site, Math.max(0, from! - rollupOptions.lookback), position, maxFollowedChanges));
        if (!reached || !changed) return { version, full: true };
        return { version, full: false, streams: [...new Set([...changed.streams, ...reached.streams])], persons: reached.persons, accounts: [...new Set([...changed.accounts, ...reached.accounts])], domains: reached.domains ?? [] };
      }),

    scopedJourneyFacts: (site, factsOptions, scope) => guard(() => scopedJourneyFacts(db, site, factsOptions, scope)),

    savedStaging: (site, key) => guard(() => savedStaging(db, site, key)),

    saveStaging: (site, key, saved) =>
      guard(async () => {
        const [done] = await commit([
          async (trx) => {
            const { changes } = await factsVersion(trx);
            if (Number(saved.version.split(':')[1]) !== changes) return false;
            await saveStaging(trx, site, key, saved);
            return true;
          },
        ]);
        return done as boolean;
      }),

    createWebhook: (site, webhook, at) => guard(() => createWebhook(db, site, webhook, at)),
    listWebhooks: (site) => guard(() => listWebhooks(db, site)),
    deleteWebhook: (site, id) => guard(() => deleteWebhook(db, site, id)),
    listDeliveries: (site, webhookId, deliveryOptions) => guard(() => listDeliveries(db, site, webhookId, deliveryOptions)),
    claimDeliveries: (limit, lease, at) => guard(() => claimDeliveries(db, at, limit, lease)),
    settleDelivery: (id, outcome) => guard(() => settleDelivery(db, id, outcome)),
    replayDelivery: (site, webhookId, id, at) => guard(() => replayDelivery(db, site, webhookId, id, at)),
    exportPeople: (site, after, limit) => guard(() => exportPeople(db, site, after, limit)),
    exportAccounts: (site, after, limit) => guard(() => exportAccounts(db, site, after, limit)),
    resetStages: (site) => guard(async () => void (await commit([(trx) => resetStages(trx, site)]))),
    recordStages: (site, stages, at) => guard(async () => (await commit([(trx) => recordStages(trx, site, stages, at)]))[0] as number),

    ping: () =>
      guard(async () => {
        await sql`select 1`.execute(db);
      }),

    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(scheduled?.timer);
      await following.catch(() => {});
      await onClose?.();
      await db.destroy();
    },
  };
}

const eventKey = (site: string, messageId: string) => `${site}\u0000${messageId}`;

/** Which of these events are stored already, by (site, messageId). */
async function storedAlready(trx: Kysely<Database>, events: NewEvent[], maxParameters: number): Promise<boolean[]> {
  const known = new Set<string>();
  const bySite = new Map<string, string[]>();
  for (const event of events) {
    if (!bySite.has(event.site)) bySite.set(event.site, []);
    bySite.get(event.site)!.push(event.messageId);
  }
  for (const [site, ids] of bySite) {
    for (let start = 0; start < ids.length; start += maxParameters - 1) {
      const rows = await trx.selectFrom('events').select('message_id').where('site', '=', site).where('message_id', 'in', ids.slice(start, start + maxParameters - 1)).execute();
      for (const row of rows) known.add(eventKey(site, row.message_id));
    }
  }
  return events.map((event) => known.has(eventKey(event.site, event.messageId)));
}

function multiRowInsert(maxParameters: number): InsertEvents {
  const rowsPerStatement = Math.max(1, Math.floor(maxParameters / eventColumns));
  return async (trx, events) => {
    const inserted = new Array<boolean>(events.length).fill(false);
    const position = new Map(events.map((event, index) => [eventKey(event.site, event.messageId), index]));
    for (let start = 0; start < events.length; start += rowsPerStatement) {
      const stored = await trx
        .insertInto('events')
        .values(events.slice(start, start + rowsPerStatement).map(toRow))
        .onConflict((conflict) => conflict.columns(['site', 'message_id']).doNothing())
        .returning(['site', 'message_id'])
        .execute();
      for (const row of stored) inserted[position.get(eventKey(row.site, row.message_id))!] = true;
    }
    return inserted;
  };
}

export const toRow = (event: NewEvent) => ({
  site: event.site,
  message_id: event.messageId,
  type: event.type,
  anonymous_id: event.anonymousId,
  user_id: event.userId,
  group_id: event.groupId,
  timestamp: event.timestamp,
  received_at: event.receivedAt,
  payload: event.payload,
});

export type { TimelineCursor };
