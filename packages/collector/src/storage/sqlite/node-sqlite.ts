import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { isSqliteUnavailable, type SqliteDriver } from './driver.ts';

/**
 * node:sqlite: built into Node (and Deno), so a fresh install compiles nothing; it also won the
 * measurement against better-sqlite3 (bench/sqlite-drivers.ts, docs/BENCHMARKS.md).
 */
export const nodeSqlite: SqliteDriver = {
  checkpointThread: true,
  open(path) {
    const database = new DatabaseSync(path);
    return {
      exec: (sql) => database.exec(sql),
      close: () => database.close(),
      prepare(sql) {
        const statement = database.prepare(sql);
        return {
          reader: statement.columns().length > 0,
          all: (...parameters) => statement.all(...(parameters as SQLInputValue[])),
          run: (...parameters) => statement.run(...(parameters as SQLInputValue[])),
          iterate: (...parameters) => statement.iterate(...(parameters as SQLInputValue[])),
        };
      },
    };
  },
  isUnavailable: isSqliteUnavailable,
};
