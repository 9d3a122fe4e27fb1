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
}

const eventColumns = 8;

/** The Storage port on any database Kysely speaks: the adapters only open a connection and say how it fails. */
export function createSqlStorage({ db, maxParameters, isUnavailable }: SqlStorageOptions): Storage {
  const rowsPerStatement = Math.max(1, Math.floor(maxParameters / eventColumns));
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
      const key = `${event.site}\u0000${event.messageId}`;
      if (!first.has(key)) first.set(key, index);
    });
    const unique = [...first.values()];
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < unique.length; start += rowsPerStatement) {
        const rows = unique.slice(start, start + rowsPerStatement).map((index) => toRow(events[index]!));
        const stored = await trx
          .insertInto('events')
          .values(rows)
          .onConflict((conflict) => conflict.columns(['site', 'message_id']).doNothing())
          .returning(['site', 'message_id'])
          .execute();
        for (const row of stored) inserted[first.get(`${row.site}\u0000${row.message_id}`)!] = true;
      }
    });
    return inserted;
  });

  return {
    appendEvents: (events) => guard(async () => ({ inserted: events.length === 0 ? [] : await commit(events) })),

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
      await db.destroy();
    },
  };
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
