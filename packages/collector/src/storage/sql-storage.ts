import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { groupCommit } from './group-commit.ts';
import { StorageUnavailableError, type EventPage, type EventQuery, type NewEvent, type Storage } from './port.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface SqlStorageOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The most bound parameters one statement may carry (SQLite 32766, D1 100, PostgreSQL 65535). */
  maxParameters: number;
  /** Whether a driver error means "the database cannot serve now" rather than a bug. */
  isUnavailable(error: unknown): boolean;
  /**
   * Stores events in one transaction, each (site, messageId) at most once (the events given are
   * distinct), telling which were new. By default one multi-row INSERT … ON CONFLICT DO NOTHING
   * RETURNING per chunk: few round trips to a database server. An embedded database may do better.
   */
  insertEvents?: InsertEvents;
  /** Resolves once committed writes are on disk, where the commit itself does not ensure it. */
  afterCommit?: () => Promise<void>;
  /** Releases what the adapter holds beside the Kysely instance. */
  onClose?: () => Promise<void>;
}

const eventColumns = 8;

/** The Storage port on any database Kysely speaks: the adapters only open a connection and say how it fails. */
export type InsertEvents = (events: NewEvent[]) => Promise<boolean[]>;

export function createSqlStorage(options: SqlStorageOptions): Storage {
  const { db, isUnavailable, afterCommit, onClose } = options;
  const insertEvents = options.insertEvents ?? multiRowInsert(db, options.maxParameters);
  let closed = false;

  // Every call goes through here, so a driver's "busy", "disk full" or "connection refused" reaches
  // the HTTP layer as StorageUnavailableError (503, retry later) and a bug stays a bug (500).
  async function guard<T>(work: () => Promise<T>): Promise<T> {
    if (closed) throw new StorageUnavailableError('storage is closed');
    try {
      return await work();
    } catch (error) {
      if (error instanceof StorageUnavailableError || !isUnavailable(error)) throw error;
      throw new StorageUnavailableError('storage is unavailable', { cause: error });
    }
  }

  const commit = groupCommit(async (events: NewEvent[]): Promise<boolean[]> => {
    const inserted = new Array<boolean>(events.length).fill(false);
    // The first event with a (site, messageId) goes to the database; later ones in the same group
    // are duplicates of it, so which copy is stored never depends on the database's row order.
    const first = new Map<string, number>();
    events.forEach((event, index) => {
      const key = eventKey(event.site, event.messageId);
      if (!first.has(key)) first.set(key, index);
    });
    const unique = [...first.values()];
    const stored = await insertEvents(unique.map((index) => events[index]!));
    unique.forEach((index, position) => (inserted[index] = stored[position]!));
    return inserted;
  });

  return {
    appendEvents: (events) =>
      guard(async () => {
        if (events.length === 0) return { inserted: [] };
        const inserted = await commit(events);
        // Outside the group commit, so the next group's transaction runs while this one syncs.
        await afterCommit?.();
        return { inserted };
      }),

    listEvents: (query: EventQuery) =>
      guard(async (): Promise<EventPage> => {
        let select = db.selectFrom('events').select(['seq', 'payload']).orderBy('seq').limit(query.limit + 1);
        if (query.site !== undefined) select = select.where('site', '=', query.site);
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

    ping: () =>
      guard(async () => {
        await sql`select 1`.execute(db);
      }),

    async close() {
      if (closed) return;
      closed = true;
      await onClose?.();
      await db.destroy();
    },
  };
}

const eventKey = (site: string, messageId: string) => `${site}\u0000${messageId}`;

function multiRowInsert(db: Kysely<Database>, maxParameters: number): InsertEvents {
  const rowsPerStatement = Math.max(1, Math.floor(maxParameters / eventColumns));
  return (events) =>
    db.transaction().execute(async (trx) => {
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
    });
}

function toRow(event: NewEvent) {
  return {
    site: event.site,
    message_id: event.messageId,
    type: event.type,
    anonymous_id: event.anonymousId,
    user_id: event.userId,
    timestamp: event.timestamp,
    received_at: event.receivedAt,
    payload: event.payload,
  };
}
