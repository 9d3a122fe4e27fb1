import { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { createSqlStorage, toRow, type InsertEvents } from '../sql-storage.ts';
import type { Storage } from '../port.ts';
import { d1MaxParameters, type D1Binding } from './binding.ts';
import { bindable, d1Dialect } from './dialect.ts';
import { migrations } from '../migrations.ts';
import { d1MigrationName } from './migrations.ts';

/** The migrations wrangler must have applied; the newest is enough to check. */
export const latestD1Migration = d1MigrationName(Object.keys(migrations('sqlite')).at(-1)!);

/**
 * Storage on Cloudflare D1. The schema comes from the shipped SQL migrations
 * (`wrangler d1 migrations apply`), not from the Worker: a Worker has no business running DDL on
 * every cold start. D1 refuses BEGIN, so units of work are not atomic; the storage orders their
 * writes so that a retry repairs one cut short (sql-storage.ts, `transactional`), and events go in
 * with `batch()`, atomically and in one round trip, at most 100 bound parameters a statement.
 */
export async function openD1Storage(binding: D1Binding): Promise<Storage> {
  const db = new Kysely<Database>({ dialect: d1Dialect(binding) });
  await requireSchema(binding);
  return createSqlStorage({
    db,
    dialect: 'sqlite',
    maxParameters: d1MaxParameters,
    maxCompoundSelect: 5,
    transactional: false,
    isUnavailable: isD1Unavailable,
    insertEvents: batchInsert(db, binding),
    // An event's identity facts in batches of 100 statements, a round trip each instead of one per fact.
    runWrites: async (_trx, writes) => {
      for (let start = 0; start < writes.length; start += 100) {
        await binding.batch(writes.slice(start, start + 100).map((write) => binding.prepare(write.sql).bind(...bindable(write.parameters))));
      }
    },
  });
}

async function requireSchema(binding: D1Binding): Promise<void> {
  const tables = (await binding.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'd1_migrations')").all<{ name: string }>()).results.map((row) => row.name);
  const applied =
    tables.includes('d1_migrations') &&
    (await binding.prepare('SELECT name FROM d1_migrations WHERE name = ?').bind(latestD1Migration).all()).results.length > 0;
  if (!tables.includes('events') || (tables.includes('d1_migrations') && !applied)) {
    throw new Error(`The D1 database lacks Journey's schema (${latestD1Migration}): run \`npx wrangler d1 migrations apply <database>\` (add --remote for the deployed one)`);
  }
}

/** Multi-row INSERTs of 11 events (9 columns each, under D1's 100), all in one atomic batch. */
function batchInsert(db: Kysely<Database>, binding: D1Binding): InsertEvents {
  const rowsPerStatement = Math.floor(d1MaxParameters / 9);
  return async (_trx, events) => {
    if (events.length === 0) return [];
    const statements = [];
    for (let start = 0; start < events.length; start += rowsPerStatement) {
      const query = db
        .insertInto('events')
        .values(events.slice(start, start + rowsPerStatement).map(toRow))
        .onConflict((conflict) => conflict.columns(['site', 'message_id']).doNothing())
        .returning(['site', 'message_id'])
        .compile();
      statements.push(binding.prepare(query.sql).bind(...bindable(query.parameters)));
    }
    const stored = new Set((await binding.batch<{ site: string; message_id: string }>(statements)).flatMap((result) => result.results.map((row) => `${row.site}\u0000${row.message_id}`)));
    return events.map((event) => stored.has(`${event.site}\u0000${event.messageId}`));
  };
}

/** D1's errors that mean "not now": overloaded, reset, timed out, or the storage is unreachable. */
export function isD1Unavailable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /D1_ERROR: .*(overloaded|reset|timed? ?out|unavailable|Network connection lost|storage)|Too many requests|SQLITE_BUSY/i.test(message);
}
