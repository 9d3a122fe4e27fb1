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
    '0002-identity': {
      async up(db: Kysely<any>) {
        // Timelines read a person's events by identifier in time order, an account's by groupId.
        await db.schema.alterTable('events').addColumn('group_id', 'text').execute();
        await db.schema.dropIndex('events_anonymous_id').execute();
        await db.schema.dropIndex('events_user_id').execute();
        // Covering for timelines: whether an event is anonymous or names an account is read from
        // the index, not from each event's row.
        await db.schema.createIndex('events_anonymous_time').on('events').columns(['site', 'anonymous_id', 'timestamp', 'user_id', 'group_id']).execute();
        await db.schema.createIndex('events_user_time').on('events').columns(['site', 'user_id', 'timestamp', 'group_id']).execute();
        // Partial: most events name no account, and a full index would tempt the planner to walk
        // it for "group_id IS NULL" instead of the anonymous_id index a device's stretch needs.
        await db.schema.createIndex('events_group_time').on('events').columns(['site', 'group_id', 'timestamp']).where('group_id', 'is not', null).execute();

        const text = (name: string, table: ReturnType<Kysely<any>['schema']['createTable']>) => table.addColumn(name, 'text', (c) => c.notNull());
        const time = (name: string, table: ReturnType<Kysely<any>['schema']['createTable']>) => table.addColumn(name, bigint, (c) => c.notNull());
        const table = (name: string, columns: Array<[string, 'text' | 'time' | 'int' | 'text?' | 'time?']>, key: string[]) => {
          let builder = db.schema.createTable(name);
          for (const [column, type] of columns) {
            if (type === 'text') builder = text(column, builder);
            else if (type === 'time') builder = time(column, builder);
            else if (type === 'int') builder = builder.addColumn(column, 'integer', (c) => c.notNull());
            else if (type === 'time?') builder = builder.addColumn(column, bigint);
            else builder = builder.addColumn(column, 'text');
          }
          return builder.addPrimaryKeyConstraint(`${name}_key`, key as never).execute();
        };
        const index = (table: string, name: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();

        await table('identity_links', [['site', 'text'], ['message_id', 'text'], ['idx', 'int'], ['at', 'time'], ['rule', 'text'], ['a_kind', 'text'], ['a_value', 'text'], ['b_kind', 'text'], ['b_value', 'text']], ['site', 'message_id', 'idx']);
        await index('identity_links', 'identity_links_a', ['site', 'a_kind', 'a_value']);
        await index('identity_links', 'identity_links_b', ['site', 'b_kind', 'b_value']);

        await table('identifiers', [['site', 'text'], ['kind', 'text'], ['value', 'text'], ['person_id', 'text'], ['first_seen', 'time'], ['first_message_id', 'text'], ['email_domain', 'text?']], ['site', 'kind', 'value']);
        await index('identifiers', 'identifiers_person', ['site', 'person_id']);
        await index('identifiers', 'identifiers_email_domain', ['site', 'email_domain']);

        await table('device_claims', [['site', 'text'], ['message_id', 'text'], ['anonymous_id', 'text'], ['owner_kind', 'text'], ['owner_value', 'text'], ['at', 'time'], ['rule', 'text']], ['site', 'message_id', 'anonymous_id']);
        await index('device_claims', 'device_claims_device', ['site', 'anonymous_id']);
        await index('device_claims', 'device_claims_owner', ['site', 'owner_kind', 'owner_value']);

        await table('device_first_use', [['site', 'text'], ['anonymous_id', 'text'], ['owner_kind', 'text'], ['owner_value', 'text'], ['at', 'time'], ['message_id', 'text']], ['site', 'anonymous_id', 'owner_kind', 'owner_value']);
        await index('device_first_use', 'device_first_use_owner', ['site', 'owner_kind', 'owner_value']);

        await table('device_segments', [['site', 'text'], ['anonymous_id', 'text'], ['from_at', 'time'], ['to_at', 'time'], ['owner_kind', 'text'], ['owner_value', 'text'], ['message_id', 'text'], ['rule', 'text']], ['site', 'anonymous_id', 'from_at']);
        await index('device_segments', 'device_segments_owner', ['site', 'owner_kind', 'owner_value']);

        await table('person_redirects', [['site', 'text'], ['from_id', 'text'], ['to_id', 'text']], ['site', 'from_id']);
        await index('person_redirects', 'person_redirects_to', ['site', 'to_id']);
        await table('identity_splits', [['site', 'text'], ['split_id', 'text'], ['at', 'time'], ['kind', 'text'], ['value', 'text']], ['site', 'split_id', 'kind', 'value']);
        await index('identity_splits', 'identity_splits_member', ['site', 'kind', 'value']);

        await table('trait_facts', [['site', 'text'], ['message_id', 'text'], ['idx', 'int'], ['at', 'time'], ['owner_kind', 'text'], ['owner_value', 'text'], ['key', 'text'], ['value', 'text']], ['site', 'message_id', 'idx']);
        await index('trait_facts', 'trait_facts_owner', ['site', 'owner_kind', 'owner_value']);

        await table('account_members', [['site', 'text'], ['actor_kind', 'text'], ['actor_value', 'text'], ['account_id', 'text'], ['first_seen', 'time'], ['last_seen', 'time'], ['first_message_id', 'text'], ['rule', 'text'], ['last_group_at', 'time?']], ['site', 'actor_kind', 'actor_value', 'account_id']);
        await index('account_members', 'account_members_account', ['site', 'account_id']);

        await table('accounts', [['site', 'text'], ['account_id', 'text'], ['domain', 'text?'], ['first_seen', 'time'], ['last_seen', 'time'], ['merged_into', 'text?']], ['site', 'account_id']);
        await index('accounts', 'accounts_domain', ['site', 'domain']);
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
