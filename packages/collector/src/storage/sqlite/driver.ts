import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A value SQLite binds: booleans become 0/1 and undefined NULL before they get here. */
export type SqliteValue = string | number | bigint | null | Uint8Array;

/** The little of a synchronous SQLite binding the adapter uses (node:sqlite, bun:sqlite). */
export interface SqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): SqliteRunner;
  close(): void;
}

export interface SqliteRunner {
  /** Whether the statement returns rows. */
  readonly reader: boolean;
  all(...parameters: SqliteValue[]): unknown[];
  run(...parameters: SqliteValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: SqliteValue[]): IterableIterator<unknown>;
}

/** How a runtime gives SQLite: node:sqlite on Node and Deno, bun:sqlite on Bun. */
export interface SqliteDriver {
  open(path: string): SqliteConnection;
  /** Whether a worker thread can open its own connection to checkpoint off the event loop. */
  checkpointThread: boolean;
  /** Whether a driver error means "not now" (busy, full, closed) rather than a bug. */
  isUnavailable(error: unknown): boolean;
}

/**
 * The connection dressed as the better-sqlite3 shape Kysely's SqliteDialect expects: parameters
 * as an array, booleans bound as numbers, and prepared statements kept (Kysely prepares every
 * query it runs, and preparing is a large share of a small insert's cost).
 */
export function kyselyDatabase(connection: SqliteConnection): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare(sqlText) {
      let statement = statements.get(sqlText);
      if (!statement) {
        const runner = connection.prepare(sqlText);
        statement = {
          reader: runner.reader,
          all: (parameters) => runner.all(...bindable(parameters)),
          run: (parameters) => runner.run(...bindable(parameters)),
          iterate: (parameters) => runner.iterate(...bindable(parameters)),
        };
        if (statements.size >= 200) statements.delete(statements.keys().next().value!);
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

const bindable = (parameters: ReadonlyArray<unknown>): SqliteValue[] =>
  parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value === undefined ? null : (value as SqliteValue)));

// SQLite's primary result codes that mean "not now" rather than "wrong": BUSY, LOCKED, NOMEM,
// READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB.
const unavailableCodes = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15, 26]);
// The same for the fsync of the WAL (wal-sync.ts): the disk failed, filled up or went away.
const unavailableFileCodes = new Set(['EIO', 'ENOSPC', 'EDQUOT', 'EROFS', 'ENOENT', 'EBADF']);

/** "Not now" by SQLite's result code (`errcode`, or a name such as SQLITE_BUSY) or a file error code. */
export function isSqliteUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, errno } = error as { code?: unknown; errcode?: unknown; errno?: unknown };
  if (code === 'ERR_INVALID_STATE') return true; // the connection was closed under us
  if (typeof code === 'string' && (unavailableFileCodes.has(code) || /^SQLITE_(BUSY|LOCKED|NOMEM|READONLY|IOERR|CORRUPT|FULL|CANTOPEN|PROTOCOL|NOTADB)/.test(code))) return true;
  const numeric = typeof errcode === 'number' ? errcode : typeof errno === 'number' && typeof code === 'string' && code.startsWith('SQLITE') ? errno : undefined;
  if (numeric !== undefined && unavailableCodes.has(numeric & 0xff)) return true;
  return error instanceof Error && /database (connection )?is (not open|closed)|closed database/i.test(error.message);
}
