import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { Dialect } from './sql-storage.ts';

type Columns = Array<[name: string, type: 'text' | 'time' | 'int' | 'text?' | 'time?']>;

/**
 * Versioned schema changes, applied in order at start (Kysely records the applied ones); for
 * Workers they are exported as SQL files for `wrangler d1 migrations apply`. Each takes the dialect
 * where SQLite and PostgreSQL differ. Never edit one that has shipped: add the next.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001-initial': {
      async up(db: Kysely<any>) {
        await createEvents(db, dialect);

        const table = (name: string, columns: Columns, key: string[]) => {
          let builder = db.schema.createTable(name);
          for (const [column, type] of columns) {
            builder = builder.addColumn(column, type.startsWith('text') ? 'text' : type === 'int' ? 'integer' : bigint, (c) => (type.endsWith('?') ? c : c.notNull()));
          }
          return builder.addPrimaryKeyConstraint(`${name}_key`, key as never).execute();
        };
        const index = (table: string, name: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();

        // Facts: two strong identifiers name one person.
        await table('identity_links', [['site', 'text'], ['message_id', 'text'], ['idx', 'int'], ['at', 'time'], ['rule', 'text'], ['a_kind', 'text'], ['a_value', 'text'], ['b_kind', 'text'], ['b_value', 'text']], ['site', 'message_id', 'idx']);
        await index('identity_links', 'identity_links_a', ['site', 'a_kind', 'a_value']);
        await index('identity_links', 'identity_links_b', ['site', 'b_kind', 'b_value']);
        // Derived: every identifier and its person.
        await table('identifiers', [['site', 'text'], ['kind', 'text'], ['value', 'text'], ['person_id', 'text'], ['first_seen', 'time'], ['first_message_id', 'text'], ['email_domain', 'text?']], ['site', 'kind', 'value']);
        await index('identifiers', 'identifiers_person', ['site', 'person_id']);
        await index('identifiers', 'identifiers_email_domain', ['site', 'email_domain']);
        // Facts: a device was identified as someone.
        await table('device_claims', [['site', 'text'], ['message_id', 'text'], ['anonymous_id', 'text'], ['owner_kind', 'text'], ['owner_value', 'text'], ['at', 'time'], ['rule', 'text']], ['site', 'message_id', 'anonymous_id']);
        await index('device_claims', 'device_claims_device', ['site', 'anonymous_id']);
        await index('device_claims', 'device_claims_owner', ['site', 'owner_kind', 'owner_value']);
        await table('device_first_use', [['site', 'text'], ['anonymous_id', 'text'], ['owner_kind', 'text'], ['owner_value', 'text'], ['at', 'time'], ['message_id', 'text']], ['site', 'anonymous_id', 'owner_kind', 'owner_value']);
        await index('device_first_use', 'device_first_use_owner', ['site', 'owner_kind', 'owner_value']);
        // Derived: stretches of devices' histories and whose they are.
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
    '0002-imported-touchpoints': {
      async up(db: Kysely<any>) {
        const time = dialect === 'postgres' ? 'bigint' : 'integer';
        await db.schema
          .createTable('imported_touchpoints')
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('occurred_at', time, (c) => c.notNull())
          .addColumn('person_kind', 'text')
          .addColumn('person_value', 'text')
          .addColumn('account_id', 'text')
          .addColumn('domain', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('imported_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('imported_touchpoints_key', ['site', 'source', 'external_id'])
          .execute();
        // A person's touchpoints, and the same one recorded by two sources (same person, type, time).
        await db.schema.createIndex('imported_touchpoints_person').on('imported_touchpoints').columns(['site', 'person_kind', 'person_value', 'type', 'occurred_at']).execute();
        await db.schema.createIndex('imported_touchpoints_account').on('imported_touchpoints').columns(['site', 'account_id', 'occurred_at']).execute();
        await db.schema.createIndex('imported_touchpoints_domain').on('imported_touchpoints').columns(['site', 'domain', 'occurred_at']).execute();
      },
    },
    '0003-journey-touchpoints': {
      async up(db: Kysely<any>) {
        const time = dialect === 'postgres' ? 'bigint' : 'integer';
        // Derived from events, one stream (a device, or a user id's device-less events) at a time:
        // its sessions' entries and key events. Who they belong to is read through the identity
        // tables when queried, so identify, merge and split never rewrite them.
        await db.schema
          .createTable('journey_touchpoints')
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('medium', 'text', (c) => c.notNull())
          .addColumn('campaign', 'text', (c) => c.notNull())
          .addColumn('path', 'text')
          .addColumn('anonymous_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('group_id', 'text')
          .addPrimaryKeyConstraint('journey_touchpoints_key', ['site', 'id'])
          .execute();
        await db.schema.createIndex('journey_touchpoints_stream').on('journey_touchpoints').columns(['site', 'stream', 'at']).execute();
        // How far the touchpoints follow the events: every event up to this seq is reflected.
        await db.schema
          .createTable('journey_rollup')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('seq', time, (c) => c.notNull())
          .execute();
      },
    },
    '0004-journey-touchpoints-user': {
      async up(db: Kysely<any>) {
        // A person's touchpoints on devices they never identified on carry their user id: kept
        // staging finds a changed person's streams by it.
        await db.schema.createIndex('journey_touchpoints_user').on('journey_touchpoints').columns(['site', 'user_id']).where('user_id', 'is not', null).execute();
      },
    },
    '0005-webhooks': {
      async up(db: Kysely<any>) {
        const time = dialect === 'postgres' ? 'bigint' : 'integer';
        // Who wants to hear of which journey events.
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('filter', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhooks_site').on('webhooks').columns(['site']).execute();
        // The outbox: one row per delivery, written in the transaction of the change it tells of.
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('webhook_id', 'text', (c) => c.notNull())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('next_attempt_at', time, (c) => c.notNull())
          .addColumn('claimed_until', time, (c) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('delivered_at', time)
          .execute();
        await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
        await db.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
        // The stage each person and account was last announced in: a change is announced once,
        // by whichever collector records it first.
        await db.schema
          .createTable('journey_stages')
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('stage', 'text', (c) => c.notNull())
          .addColumn('entered_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('journey_stages_key', ['site', 'owner_kind', 'owner_id'])
          .execute();
      },
    },
    '0006-journey-streams': {
      async up(db: Kysely<any>) {
        // Each device's latest session as the rollup left it, so new events extend it.
        await db.schema
          .createTable('journey_streams')
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('session', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('journey_streams_key', ['site', 'stream'])
          .execute();
      },
    },
    '0007-saved-stagings': {
      async up(db: Kysely<any>) {
        // A site's staging, saved so a collector starting on the database holds it again
        // (storage/journey/saved-staging.ts): one text in parts, each row saying how many.
        await db.schema
          .createTable('journey_stagings')
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('part', 'integer', (c) => c.notNull())
          .addColumn('parts', 'integer', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('journey_stagings_key', ['site', 'part'])
          .execute();
      },
    },
    '0008-journey-change-scopes': {
      async up(db: Kysely<any>) {
        // Whom each import or admin change reached, under its number (storage/journey/change-scopes.ts).
        await db.schema
          .createTable('journey_change_scopes')
          .addColumn('change', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
          .addColumn('site', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0009-accounts-merged-into': {
      async up(db: Kysely<any>) {
        // The accounts merged into one: read by every account read (its people, its timeline).
        await db.schema.createIndex('accounts_merged_into').on('accounts').columns(['site', 'merged_into']).where('merged_into', 'is not', null).execute();
      },
    },
    '0010-events-without-group-index': {
      async up(db: Kysely<any>) {
        // An account's events are read through its people's (storage/identity/scope.ts): every
        // event naming an account is its sender's, a member by it, and the device and user
        // indexes end in group_id. Its own index cost each event naming an account a fifth insert:
        // known people's ingestion 76 % of anonymous with it, 84 % without (in-process, 3 rounds).
        await db.schema.dropIndex('events_group_time').execute();
      },
    },
  };
}

/**
 * The events. Timelines read them by device or user id in time order (covering indexes: whether
 * an event is anonymous or names an account is read from the index); an account's are its
 * people's (the group index made here is dropped by migration 0010). GET /v1/events pages by
 * arrival (seq).
 *
 * PostgreSQL partitions them by month of corrected time, so old months can be detached or dropped
 * whole. A unique constraint on a partitioned table must include the partition key, so exactly-once
 * lives in `event_ids` beside it (kept in step by a trigger on delete).
 */
async function createEvents(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create table events (
      seq bigserial not null,
      site text not null,
      message_id text not null,
      type text not null,
      anonymous_id text,
      user_id text,
      group_id text,
      "timestamp" bigint not null,
      received_at bigint not null,
      payload text not null
    ) partition by range ("timestamp")`.execute(db);
    await sql`create table events_default partition of events default`.execute(db);
    await sql`create table event_ids (site text not null, message_id text not null, primary key (site, message_id))`.execute(db);
    await sql`create function events_forget_id() returns trigger language plpgsql as $$
      begin delete from event_ids where site = old.site and message_id = old.message_id; return old; end $$`.execute(db);
    await sql`create trigger events_forget_id after delete on events for each row execute function events_forget_id()`.execute(db);
    await db.schema.createIndex('events_seq').on('events').column('seq').execute();
  } else {
    await db.schema
      .createTable('events')
      // AUTOINCREMENT: an erased event's position is never reused, so cursors stay valid.
      .addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('site', 'text', (column) => column.notNull())
      .addColumn('message_id', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('anonymous_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('group_id', 'text')
      .addColumn('timestamp', 'integer', (column) => column.notNull())
      .addColumn('received_at', 'integer', (column) => column.notNull())
      .addColumn('payload', 'text', (column) => column.notNull())
      .addUniqueConstraint('events_site_message_id', ['site', 'message_id'])
      .execute();
  }
  await db.schema.createIndex('events_anonymous_time').on('events').columns(['site', 'anonymous_id', 'timestamp', 'user_id', 'group_id']).execute();
  await db.schema.createIndex('events_user_time').on('events').columns(['site', 'user_id', 'timestamp', 'group_id']).execute();
  await db.schema.createIndex('events_group_time').on('events').columns(['site', 'group_id', 'timestamp']).where('group_id', 'is not', null).execute();
}

export async function migrate(db: Kysely<any>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: 'journey_migrations',
    migrationLockTableName: 'journey_migrations_lock',
    // Named, or the migrator finds another schema's bookkeeping tables and skips creating its own.
    ...(schema && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
