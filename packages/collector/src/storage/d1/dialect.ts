import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { d1MaxParameters, type D1Binding } from './binding.ts';

/**
 * Kysely on a D1 binding. D1 has no interactive transactions (BEGIN is refused; only `batch()` is
 * atomic), so a Kysely transaction here is the same statements run one after another, each
 * committed on its own. The storage knows (`transactional: false`) and orders its writes so that
 * a unit of work cut short is repaired by the client's retry; see storage/d1/index.ts.
 */
export function d1Dialect(binding: D1Binding): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new D1Driver(binding),
    createIntrospector: (db: Kysely<any>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

class D1Driver implements Driver {
  readonly #connection: D1Connection;
  constructor(binding: D1Binding) {
    this.#connection = new D1Connection(binding);
  }
  async init() {}
  async acquireConnection() {
    return this.#connection;
  }
  async beginTransaction() {}
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

class D1Connection implements DatabaseConnection {
  readonly #binding: D1Binding;
  constructor(binding: D1Binding) {
    this.#binding = binding;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#binding.prepare(query.sql).bind(...bindable(query.parameters)).all<R>();
    return {
      rows: result.results ?? [],
      ...(result.meta.changes !== undefined && { numAffectedRows: BigInt(result.meta.changes) }),
      ...(result.meta.last_row_id !== undefined && { insertId: BigInt(result.meta.last_row_id) }),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('D1 does not stream query results');
  }
}

/** D1 binds strings, numbers, null and bytes: booleans become 0/1 and undefined NULL, as in SQLite. */
export const bindable = (parameters: ReadonlyArray<unknown>): unknown[] => {
  // Cloudflare's D1 refuses a statement binding more; a local one (workerd's) binds them, so
  // without this a test on it passes what production refuses.
  if (parameters.length > d1MaxParameters) throw new Error(`a statement binds ${parameters.length} parameters; D1 binds at most ${d1MaxParameters}`);
  return parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value === undefined ? null : typeof value === 'bigint' ? Number(value) : value));
};
