import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';
import { migrate } from '../migrations.ts';
import { createSqlStorage, type InsertEvents } from '../sql-storage.ts';
import type { Storage } from '../port.ts';
import { kyselyDatabase, type SqliteConnection, type SqliteDriver } from './driver.ts';
import { nodeSqlite } from './node-sqlite.ts';
import { walSync } from './wal-sync.ts';
import { checkpointer } from './checkpointer.ts';

/**
 * The embedded default: one SQLite file in WAL mode, migrated on open. Every commit reaches the
 * disk before the collector answers, so an acknowledged event survives a power cut, not only a
 * crash: wal-sync.ts fsyncs the WAL off the event loop, once per group of commits.
 */
export async function openSqliteStorage(path: string, driver: SqliteDriver = nodeSqlite): Promise<Storage> {
  mkdirSync(dirname(path), { recursive: true });
  const database = driver.open(path);
  database.exec('PRAGMA journal_mode = WAL');
  // NORMAL: commits do not fsync on the event loop; walSync does it off the loop before answering.
  database.exec('PRAGMA synchronous = NORMAL');
  // Another process (a backup, the CLI) may hold the write lock for a moment.
  database.exec('PRAGMA busy_timeout = 5000');
  // Checkpoints run on a worker thread (checkpointer.ts), not in the commit on the event loop. The
  // writer checkpoints itself only when the worker falls behind by 40 MB: back-pressure under a
  // load the disk cannot keep up with, where the WAL would otherwise grow without end. Where the
  // runtime has no such thread, the writer checkpoints as SQLite does by default.
  if (driver.checkpointThread) database.exec('PRAGMA wal_autocheckpoint = 10000');
  database.exec(`PRAGMA journal_size_limit = ${64 * 1024 * 1024}`);
  // 8 MiB of page cache (SQLite's default is 2): the messageId index takes random inserts from
  // clients whose ids are not time-ordered, and those need its inner pages in memory.
  database.exec('PRAGMA cache_size = -8192');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselyDatabase(database) }) });
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const wal = walSync(path);
  const checkpoints = driver.checkpointThread ? checkpointer(path) : undefined;
  return createSqlStorage({
    db,
    dialect: 'sqlite',
    maxParameters: 32_766,
    maxCompoundSelect: 500,
    // Its statements run on the event loop: a whole site's touchpoints (a million events' are
    // ~375,000 rows, a second or more) are read a page at a time, requests let in between.
    pageRows: 25_000,
    isUnavailable: driver.isUnavailable,
    insertEvents: preparedInsert(database),
    afterCommit: () => {
      checkpoints?.afterCommit();
      return wal.durable();
    },
    onClose: async () => {
      await checkpoints?.close();
      await wal.close();
    },
  });
}

/**
 * In-process, a prepared one-row INSERT run per event beats one multi-row statement: nothing to
 * build or compile per group, and `changes` says whether each event was new. It runs on the same
 * connection as Kysely, inside the transaction the storage opened.
 */
function preparedInsert(database: SqliteConnection): InsertEvents {
  const insert = database.prepare(
    `INSERT INTO events (site, message_id, type, anonymous_id, user_id, group_id, timestamp, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, message_id) DO NOTHING`,
  );
  return async (_trx, events) =>
    events.map(
      (event) =>
        Number(insert.run(event.site, event.messageId, event.type, event.anonymousId, event.userId, event.groupId, event.timestamp, event.receivedAt, event.payload).changes) === 1,
    );
}
