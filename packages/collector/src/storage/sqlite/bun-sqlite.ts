// bun:sqlite exists only inside Bun: this module is imported by the Bun entry alone.
// @ts-ignore -- Bun's own types are not installed for the Node type check
import { Database } from 'bun:sqlite';
import { isSqliteUnavailable, type SqliteDriver } from './driver.ts';

interface BunStatement {
  columnNames: string[];
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

/**
 * bun:sqlite, Bun's built-in binding (Bun has no node:sqlite). Checkpoints stay on the writer:
 * a worker thread would need its own bun:sqlite, and Bun's workers are not node:worker_threads'.
 */
export const bunSqlite: SqliteDriver = {
  checkpointThread: false,
  open(path) {
    const database = new Database(path, { create: true, strict: true });
    return {
      exec: (sql) => database.exec(sql),
      close: () => database.close(),
      prepare(sql) {
        const statement = database.prepare(sql) as BunStatement;
        return {
          reader: statement.columnNames.length > 0,
          all: (...parameters) => statement.all(...parameters),
          run: (...parameters) => statement.run(...parameters),
          iterate: (...parameters) => statement.iterate(...parameters),
        };
      },
    };
  },
  isUnavailable: isSqliteUnavailable,
};
