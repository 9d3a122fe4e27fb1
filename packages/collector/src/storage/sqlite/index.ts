import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';
import { migrate } from '../migrations.ts';
import { createSqlStorage } from '../sql-storage.ts';
import type { Storage } from '../port.ts';
import { isSqliteUnavailable, kyselyDatabase } from './node-sqlite.ts';

/**
 * The embedded default: one SQLite file in WAL mode, migrated on open. synchronous=FULL makes
 * every commit reach the disk before the collector answers, so an acknowledged event survives
 * a power cut, not only a crash; group commit (sql-storage.ts) pays for that fsync once per group.
 */
export async function openSqliteStorage(path: string): Promise<Storage> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new DatabaseSync(path);
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = FULL');
  // Another process (a backup, the CLI) may hold the write lock for a moment.
  database.exec('PRAGMA busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselyDatabase(database) }) });
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStorage({ db, dialect: 'sqlite', maxParameters: 32_766, isUnavailable: isSqliteUnavailable });
}
