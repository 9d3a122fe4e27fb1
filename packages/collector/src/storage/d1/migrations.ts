import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type QueryResult } from 'kysely';
import { migrations } from '../migrations.ts';

export interface MigrationFile {
  /** As `wrangler d1 migrations apply` wants it: `0001_initial.sql`. */
  name: string;
  sql: string;
}

/** `0002-imported-touchpoints` → `0002_imported_touchpoints.sql`, as wrangler names them. */
export const d1MigrationName = (name: string): string => `${name.replaceAll('-', '_')}.sql`;

/**
 * The SQLite migrations as SQL files for `wrangler d1 migrations apply`: each migration is run
 * against a connection that only records what it is asked, so Node, Bun and Deno (which apply
 * them at start) and D1 get the very same schema from one source.
 */
export async function d1MigrationFiles(): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for (const [name, migration] of Object.entries(migrations('sqlite'))) {
    const statements: string[] = [];
    const recorder: DatabaseConnection = {
      async executeQuery<R>(query: { sql: string; parameters: readonly unknown[] }): Promise<QueryResult<R>> {
        if (query.parameters.length) throw new Error(`migration ${name} binds parameters, which a SQL file cannot: ${query.sql}`);
        statements.push(`${query.sql};`);
        return { rows: [] };
      },
      // eslint-disable-next-line require-yield
      async *streamQuery() {
        throw new Error('not used');
      },
    };
    const db = new Kysely<any>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
        createDriver: () => ({
          init: async () => {},
          acquireConnection: async () => recorder,
          beginTransaction: async () => {},
          commitTransaction: async () => {},
          rollbackTransaction: async () => {},
          releaseConnection: async () => {},
          destroy: async () => {},
        }),
      },
    });
    await migration.up(db);
    await db.destroy();
    files.push({
      name: d1MigrationName(name),
      sql: `-- Generated from packages/collector/src/storage/migrations.ts (${name}) by \`npm run migrations:d1\`; do not edit.\n${statements.join('\n')}\n`,
    });
  }
  return files;
}
