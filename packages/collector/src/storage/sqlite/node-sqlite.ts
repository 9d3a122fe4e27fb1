import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * node:sqlite dressed as the better-sqlite3 shape Kysely's SqliteDialect expects. node:sqlite won
 * the measurement (bench/sqlite-drivers.ts, docs/BENCHMARKS.md) and ships with Node and Deno, so
 * a fresh install compiles nothing. The differences it bridges: parameters are spread rather than
 * passed as an array, booleans are not bindable, and there is no `reader` flag.
 */
export function kyselyDatabase(database: DatabaseSync): SqliteDatabase {
  // Kysely prepares every query it runs; preparing is a large share of a small insert's cost.
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sqlText) {
      let statement = statements.get(sqlText);
      if (!statement) {
        statement = wrap(database.prepare(sqlText));
        if (statements.size >= 200) statements.delete(statements.keys().next().value!);
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

function wrap(statement: StatementSync): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bindable(parameters)),
    run: (parameters) => statement.run(...bindable(parameters)),
    iterate: (parameters) => statement.iterate(...bindable(parameters)),
  };
}

const bindable = (parameters: ReadonlyArray<unknown>): SQLInputValue[] =>
  parameters.map((value) =>
    typeof value === 'boolean' ? Number(value) : value === undefined ? null : (value as SQLInputValue),
  );

// SQLite's primary result codes that mean "not now" rather than "wrong": BUSY, LOCKED, NOMEM,
// READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB.
const unavailableCodes = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15, 26]);

// The same for the fsync of the WAL (wal-sync.ts): the disk failed, filled up or went away.
const unavailableFileCodes = new Set(['EIO', 'ENOSPC', 'EDQUOT', 'EROFS', 'ENOENT', 'EBADF']);

export function isSqliteUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_INVALID_STATE') return true; // the connection was closed under us
  if (typeof code === 'string' && unavailableFileCodes.has(code)) return true;
  return typeof errcode === 'number' && unavailableCodes.has(errcode & 0xff);
}
