import type { Generated } from 'kysely';

/** The tables as Kysely sees them. Times are integers (ms since the epoch) in every dialect. */
export interface Database {
  events: EventsTable;
  /** PostgreSQL only: exactly-once beside the partitioned events table. */
  event_ids: { site: string; message_id: string };
  identity_links: IdentityLinksTable;
  identifiers: IdentifiersTable;
  device_claims: DeviceClaimsTable;
  device_first_use: DeviceFirstUseTable;
  device_segments: DeviceSegmentsTable;
  person_redirects: PersonRedirectsTable;
  identity_splits: IdentitySplitsTable;
  trait_facts: TraitFactsTable;
  account_members: AccountMembersTable;
  accounts: AccountsTable;
  imported_touchpoints: ImportedTouchpointsTable;
  journey_touchpoints: JourneyTouchpointsTable;
  journey_rollup: { name: string; seq: number };
  journey_streams: JourneyStreamsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  journey_stages: { site: string; owner_kind: string; owner_id: string; stage: string; entered_at: number };
  journey_stagings: { site: string; part: number; parts: number; key: string; version: string; data: string };
  /** JSON scope: storage/journey/change-scopes.ts. */
  journey_change_scopes: { change: number; site: string; scope: string };
}

export interface WebhooksTable {
  id: string;
  site: string;
  url: string;
  secret: string;
  /** JSON: the event types it wants. */
  events: string;
  /** JSON, or null: conditions on the payload (webhooks/filter.ts). */
  filter: string | null;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  /** The Journey-Delivery header: the same on every attempt and replay. */
  id: string;
  site: string;
  webhook_id: string;
  event: string;
  payload: string;
  /** pending, delivered, or dead (retries gave up: the dead-letter list). */
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  /** A sender holds it until then; another one leaves it alone. */
  claimed_until: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

/**
 * Derived from events, per stream (a device's anonymousId, or `user:` and a user id for events a
 * server sent without one): session entries and key events, as `touchpointsOf` makes them. The
 * ids an owner is resolved by (anonymous_id + at, user_id, group_id) are kept, not the owner.
 */
export interface JourneyTouchpointsTable {
  site: string;
  id: string;
  stream: string;
  kind: string;
  at: number;
  name: string;
  channel: string;
  source: string;
  medium: string;
  campaign: string;
  path: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  group_id: string | null;
}

/**
 * Each stream's latest session as the rollup left it (an `OpenSession` as JSON, with the ids of its
 * first event): a device's next events extend it without reading the session again. None for
 * `user:` streams, which make no sessions.
 */
export interface JourneyStreamsTable {
  site: string;
  stream: string;
  session: string;
}

/**
 * Touchpoints recorded elsewhere and imported: one per (source, externalId). Who it was is kept as
 * the identifier the source gave (an email, else a user id), resolved to a person when read, so
 * later merges and splits apply to it too.
 */
export interface ImportedTouchpointsTable {
  site: string;
  source: string;
  external_id: string;
  type: string;
  occurred_at: number;
  person_kind: string | null;
  person_value: string | null;
  account_id: string | null;
  domain: string | null;
  /** The standardised touchpoint as JSON. */
  payload: string;
  imported_at: number;
}

export interface EventsTable {
  seq: Generated<number>;
  site: string;
  message_id: string;
  type: string;
  anonymous_id: string | null;
  user_id: string | null;
  /** The account the event names (group's groupId, or context.groupId). */
  group_id: string | null;
  timestamp: number;
  received_at: number;
  payload: string;
}

/** Facts: two strong identifiers name one person (identify with an email, alias, an admin's merge). */
export interface IdentityLinksTable {
  site: string;
  message_id: string;
  idx: number;
  at: number;
  rule: string;
  a_kind: string;
  a_value: string;
  b_kind: string;
  b_value: string;
}

/** Derived: every strong identifier (userId, email), its person, and when it was first seen. */
export interface IdentifiersTable {
  site: string;
  kind: string;
  value: string;
  person_id: string;
  first_seen: number;
  first_message_id: string;
  /** For emails: the domain, to match accounts. */
  email_domain: string | null;
}

/** Facts: a device was identified (identify, a sign-up form, alias) as someone, at a time. */
export interface DeviceClaimsTable {
  site: string;
  message_id: string;
  anonymous_id: string;
  owner_kind: string;
  owner_value: string;
  at: number;
  rule: string;
}

/** Facts, aggregated: the first event on a device that carried someone's userId. */
export interface DeviceFirstUseTable {
  site: string;
  anonymous_id: string;
  owner_kind: string;
  owner_value: string;
  at: number;
  message_id: string;
}

/** Derived: a device's history cut into stretches, each owned by one strong identifier's person. */
export interface DeviceSegmentsTable {
  site: string;
  anonymous_id: string;
  from_at: number;
  to_at: number;
  owner_kind: string;
  owner_value: string;
  message_id: string;
  rule: string;
}

/** Derived: person ids that no longer name a person (merged, or a device that got its owner), and where they went. */
export interface PersonRedirectsTable {
  site: string;
  from_id: string;
  to_id: string;
}

/** Facts: an admin split these identifiers off their person. */
export interface IdentitySplitsTable {
  site: string;
  split_id: string;
  at: number;
  kind: string;
  value: string;
}

/** Facts: a trait as one event set it, on a person's identifier or an account. */
export interface TraitFactsTable {
  site: string;
  message_id: string;
  idx: number;
  at: number;
  owner_kind: string;
  owner_value: string;
  key: string;
  value: string;
}

/** Facts, aggregated: someone (by an identifier) acted for an account, first and last. */
export interface AccountMembersTable {
  site: string;
  actor_kind: string;
  actor_value: string;
  account_id: string;
  first_seen: number;
  last_seen: number;
  first_message_id: string;
  /** "group" once any group() call named it, else "context" (events carrying context.groupId). */
  rule: string;
  /** The latest group() call: which account is the person's current one. */
  last_group_at: number | null;
}

/** Derived: the accounts, with the domain their traits give, and where an admin merged them. */
export interface AccountsTable {
  site: string;
  account_id: string;
  domain: string | null;
  first_seen: number;
  last_seen: number;
  merged_into: string | null;
}
