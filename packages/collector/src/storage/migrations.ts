import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { Dialect } from './sql-storage.ts';

/**
 * Versioned schema changes, applied in order at start (Kysely records the applied ones). Each
 * takes the dialect where SQLite and PostgreSQL spell a column differently. Never edit one that
 * has shipped: add the next.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001-events': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('events')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
            // AUTOINCREMENT: a deleted (erased) event's position is never reused, so cursors stay valid.
            dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          .addColumn('site', 'text', (column) => column.notNull())
          .addColumn('message_id', 'text', (column) => column.notNull())
          .addColumn('type', 'text', (column) => column.notNull())
          .addColumn('anonymous_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('timestamp', bigint, (column) => column.notNull())
          .addColumn('received_at', bigint, (column) => column.notNull())
          .addColumn('payload', 'text', (column) => column.notNull())
          .addUniqueConstraint('events_site_message_id', ['site', 'message_id'])
          .execute();
        // Reading one person's events in order: GET /v1/events?anonymousId=… / ?userId=…
        await db.schema.createIndex('events_anonymous_id').on('events').columns(['anonymous_id', 'seq']).execute();
        await db.schema.createIndex('events_user_id').on('events').columns(['user_id', 'seq']).execute();
      },
    },
  };
}

export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: 'journey_migrations',
    migrationLockTableName: 'journey_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
