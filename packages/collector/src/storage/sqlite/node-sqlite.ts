import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
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
        const names = statement.columns().map((column) => column.name);
        const row = rowsOf(statement, names);
        return {
          reader: names.length > 0,
          all: (...parameters) => statement.all(...(parameters as SQLInputValue[])).map(row),
          run: (...parameters) => statement.run(...(parameters as SQLInputValue[])),
          *iterate(...parameters) {
            for (const values of statement.iterate(...(parameters as SQLInputValue[]))) yield row(values);
          },
        };
      },
    };
  },
  isUnavailable: isSqliteUnavailable,
};

/**
 * Rows as plain objects whose properties are set in the statement's column order, so all rows of
 * a statement share one shape. node:sqlite's own row objects have no prototype and keep their
 * properties in a dictionary: reading 370,000 touchpoints that way took 2.4 times as long and
 * twice the memory, and every later property read was a hash lookup. Where a runtime's
 * node:sqlite cannot return arrays (Deno's), its rows are used as they come.
 */
function rowsOf(statement: StatementSync, names: string[]): (row: unknown) => unknown {
  if (names.length === 0 || typeof statement.setReturnArrays !== 'function') return (row) => row;
  statement.setReturnArrays(true);
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index++) row[names[index]!] = (values as unknown[])[index];
    return row;
  };
}
