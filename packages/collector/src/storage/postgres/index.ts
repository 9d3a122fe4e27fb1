import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { migrate } from '../migrations.ts';
import { createSqlStorage, toRow, type InsertEvents } from '../sql-storage.ts';
import type { Storage } from '../port.ts';

export interface PostgresOptions {
  /** A schema of its own (created if missing): several collectors, or tests, on one database. */
  schema?: string;
  /** Connections in the pool. */
  connections?: number;
}

/**
 * Whether the migrator failed because another schema or table of the database was dropped while
 * it looked: it reads every schema to learn whether its own tables exist, and a name dropped
 * under that read (another collector's schema, a test run's) fails it. Looking again succeeds.
 */
function droppedMeanwhile(error: unknown): boolean {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const { code } = cause as { code?: unknown };
    // invalid_schema_name, undefined_table
    if (code === '3F000' || code === '42P01') return true;
  }
  return false;
}

/**
 * PostgreSQL, the scale-out engine: several collector processes can share it. Events are
 * partitioned by month; exactly-once is `event_ids`; changes to the identity graph take an
 * advisory lock, so two collectors never re-derive the same people from half of each other's facts.
 * For edge runtimes, point the URL at a pooler (Neon's serverless driver, Cloudflare Hyperdrive).
 */
export async function openPostgresStorage(url: string, options: PostgresOptions = {}): Promise<Storage> {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.connections ?? 10,
    ...(schema && { options: `-c search_path="${schema}"` }),
    // bigint columns hold ms timestamps and positions, all far below 2^53: numbers, not strings.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await migrate(db, 'postgres', schema ?? 'public');
        break;
      } catch (error) {
        // A few seconds of looking again at most.
        if (attempt >= 50 || !droppedMeanwhile(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, 10 * attempt)));
      }
    }
    await ensurePartitions(db, Date.now());
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // New months get their partition before they arrive.
  const partitions = setInterval(() => void ensurePartitions(db, Date.now()).catch(() => {}), 6 * 60 * 60 * 1000);
  partitions.unref?.();

  return createSqlStorage({
    db,
    dialect: 'postgres',
    maxParameters: 65_535,
    isUnavailable: isPostgresUnavailable,
    insertEvents: throughEventIds,
    lockGraph: async (trx) => {
      await sql`select pg_advisory_xact_lock(${graphLock})`.execute(trx);
    },
    // Several collectors commit events out of seq order; a pass re-reads the last thousand seqs.
    rollupLookback: 1000,
    onClose: async () => clearInterval(partitions),
  });
}

/** The advisory lock key for identity-graph changes ("journey" as a number). */
const graphLock = 0x6a6f75726e6579;

const eventKey = (site: string, messageId: string) => `${site}\u0000${messageId}`;

/** Exactly-once first (event_ids' primary key), then only the new events into their partitions. */
const throughEventIds: InsertEvents = async (trx, events) => {
  const fresh = new Set<string>();
  for (let start = 0; start < events.length; start += 5000) {
    const ids = events.slice(start, start + 5000).map((event) => ({ site: event.site, message_id: event.messageId }));
    const stored = await trx.insertInto('event_ids').values(ids).onConflict((conflict) => conflict.doNothing()).returning(['site', 'message_id']).execute();
    for (const row of stored) fresh.add(eventKey(row.site, row.message_id));
  }
  const inserted = events.map((event) => fresh.has(eventKey(event.site, event.messageId)));
  const rows = events.filter((_, index) => inserted[index]).map(toRow);
  for (let start = 0; start < rows.length; start += 5000) await trx.insertInto('events').values(rows.slice(start, start + 5000)).execute();
  return inserted;
};

/**
 * Monthly partitions from last month to two months ahead. Events outside them (an import of old
 * history) land in the default partition; a month whose rows already sit there keeps them there.
 */
export async function ensurePartitions(db: Kysely<Database>, now: number): Promise<void> {
  const month = new Date(now);
  for (let offset = -1; offset <= 2; offset++) {
    const from = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + offset, 1);
    const to = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + offset + 1, 1);
    const name = `events_${new Date(from).toISOString().slice(0, 7).replace('-', '_')}`;
    try {
      await sql`create table if not exists ${sql.id(name)} partition of events for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(db);
    } catch {
      // Rows for that month already sit in the default partition: they stay there.
    }
  }
}

// Connection trouble, an overloaded or restarting server, a deadlock or serialization failure:
// "not now", so the client retries. Anything else is a bug.
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (unavailableCodes.has(code) || /^(08|53|57P|40)/.test(code))) return true;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
