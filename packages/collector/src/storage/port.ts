import type { EventType } from '@journey/protocol';
import type { IdentityFacts } from '../identity/facts.ts';
import type { StrongIdentifier } from '../identity/identifiers.ts';
import type { AccountRecord, ErasureCounts, PersonDevice, PersonRecord, PersonSummary } from '../identity/records.ts';
import type { OfflineTouchpoint } from '../import/offline-touchpoint.ts';
import type { JourneyFacts, JourneyFactsOptions, JourneyScope, ScopedJourneyFacts } from './journey/facts.ts';
import type { SavedStaging } from './journey/saved-staging.ts';
import type { Delivery, DeliveryOutcome, DeliveryStatus, NewWebhook, Webhook } from './webhooks.ts';
import type { StageRecord } from '../webhooks/events.ts';
import type { ExportedAccount, ExportedPerson } from './export.ts';

/** An accepted event ready to store: the columns the queries filter on, plus the event as JSON. */
export interface NewEvent {
  /** The write key's site: messageIds are unique per site. */
  site: string;
  messageId: string;
  type: EventType;
  anonymousId: string | null;
  userId: string | null;
  /** The account the event names: a group's groupId, or context.groupId. */
  groupId: string | null;
  /** What the event says about who is who; recorded in the same transaction as the event. */
  facts?: IdentityFacts;
  /** Corrected event time, ms since the epoch. */
  timestamp: number;
  /** Arrival at the collector, ms since the epoch. */
  receivedAt: number;
  /** The event as returned by GET /v1/events, serialised once at ingestion. */
  payload: string;
}

export interface EventQuery {
  site?: string;
  anonymousId?: string;
  userId?: string;
  type?: EventType;
  /** Events at or after this time (ms). */
  since?: number;
  /** Resume after this position (from a previous page). */
  after?: number;
  limit: number;
}

export interface StoredEvent {
  /** Position in arrival order: the paging cursor. */
  seq: number;
  payload: string;
}

export interface EventPage {
  events: StoredEvent[];
  /** Position to resume from, or null when this page was the last. */
  next: number | null;
}

/** Where a timeline page resumes: after this event (corrected time, then arrival). */
export interface TimelineCursor {
  at: number;
  seq: number;
}

export interface TimelinePage {
  events: StoredEvent[];
  next: TimelineCursor | null;
}

export interface IdentityOptions {
  /** A work-email domain no account claims is an account of its own. */
  autoAccounts: boolean;
}

/**
 * The identity graph: people (anonymous devices, user ids and emails stitched together) and
 * accounts. `ref` is whatever names them: a person id, userId, email or anonymousId; an account
 * id or domain. Methods resolve to null when nothing matches.
 */
/** A person as a list shows them. */
export interface PersonLabel {
  email?: string;
  name?: string;
}

export interface IdentityStore {
  findPerson(site: string, ref: string, options: IdentityOptions): Promise<PersonRecord | null>;
  /**
   * What a list of people shows of each (by person id, as staged): the email their record names
   * first and their `name` trait, where they have them; people not found are left out. Lighter
   * than a record each: no timeline, links or accounts read.
   */
  personLabels(site: string, personIds: readonly string[]): Promise<Record<string, PersonLabel>>;
  /**
   * The devices each person's timeline follows (by person id; people not found left out), as their
   * records list them: whose an event of a device is at its time. Lighter than a record each.
   */
  personDevices(site: string, personIds: readonly string[]): Promise<Record<string, PersonDevice[]>>;
  /** A person's stitched timeline across devices, in corrected-time order. */
  personEvents(site: string, ref: string, page: { after?: TimelineCursor; limit: number }): Promise<TimelinePage | null>;
  findAccount(site: string, ref: string, options: IdentityOptions): Promise<AccountRecord | null>;
  accountPeople(site: string, ref: string, options: IdentityOptions): Promise<PersonSummary[] | null>;
  accountEvents(site: string, ref: string, page: { after?: TimelineCursor; limit: number }, options: IdentityOptions): Promise<TimelinePage | null>;
  /** Splits these identifiers off the person; resolves with both people's ids. */
  splitPerson(site: string, ref: string, identifiers: StrongIdentifier[]): Promise<{ kept: string; split: string } | null>;
  /** Merges `other` into `into`; resolves with the merged person's id. */
  mergePeople(site: string, into: string, other: string): Promise<string | null>;
  mergeAccounts(site: string, into: string, other: string): Promise<string | null>;
  /** Erases the person: events, identifiers, traits and links. Resolves with what was removed. */
  erasePerson(site: string, ref: string): Promise<ErasureCounts | null>;
}

/** What became of one imported touchpoint. */
export type ImportResult = { status: 'imported'; id: string } | { status: 'duplicate'; id: string; reason: 'same source and externalId' | 'same person, type and time' };

/** Whose imported touchpoints to read: a person's identifiers, or an account's id and domain. */
export type ImportedOwner = { emails: string[]; userIds: string[] } | { accountIds: string[]; domains: string[] };

/** Touchpoints recorded elsewhere (CRM, webinars, sales calls) and imported. */
export interface ImportStore {
  /**
   * Stores each touchpoint unless it is already there: by source and externalId, or recorded by
   * another source for the same person with the same type within `window` ms. In order, so a
   * file's own repeats count too. Re-importing a file changes nothing.
   */
  importTouchpoints(site: string, touchpoints: readonly OfflineTouchpoint[], options: { window: number; now: number }): Promise<ImportResult[]>;
  /** Imported touchpoints of a person or account, in time order, with their ids (`source:externalId`). */
  importedTouchpoints(site: string, owner: ImportedOwner): Promise<Array<OfflineTouchpoint & { id: string }>>;
}

/**
 * How a journey read meets the rollup: by default it first brings it up to date with the stored
 * events; `settled: false` reads it as far as it has come (the background follower's reads: under
 * a backfill, waiting for the rollup to catch up would keep it running flat out beside ingestion).
 */
export interface JourneyRead {
  settled?: boolean;
}

/** What the aggregate journey queries (funnel, journey map, paths, attribution) read. */
export interface JourneyStore {
  /** A site's touchpoints with their people, memberships and traits, the rollup first brought up to date with stored events. */
  journeyFacts(site: string, options: JourneyFactsOptions, read?: JourneyRead): Promise<JourneyFacts>;
  /**
   * Brings the rollup up to date and names the state of the journey facts: equal versions, equal
   * facts (events followed, and admin changes and imports through any collector on the
   * database), so a reader may keep what it computed from them.
   */
  journeyVersion(read?: JourneyRead): Promise<string>;
  /**
   * What may have changed in a site's journey facts since a version: the streams (devices, and
   * `user:<id>` for each user id) and accounts that events since then name, and the people that
   * imports and admin merges and splits since then reached (and the accounts and work domains that
   * imported touchpoints naming nobody known credit); or `full` when a change cannot say whom it
   * reached (an erasure) or is too large to follow.
   */
  journeyChanges(site: string, since: string, read?: JourneyRead): Promise<JourneyChanges>;
  /** Part of a site's journey facts, and who and what else it reaches now (see JourneyScope). */
  scopedJourneyFacts(site: string, options: JourneyFactsOptions, scope: JourneyScope): Promise<ScopedJourneyFacts>;
  /** The staging saved for a site under this key (what it was staged with), or null (none, another key, or a save cut short). */
  savedStaging(site: string, key: string): Promise<SavedStaging | null>;
  /**
   * Saves a site's staging in place of the one before. Not saved (false) when an admin change came
   * after its version: an erasure forgets saved stagings, and one made before it holds the person.
   */
  saveStaging(site: string, key: string, saved: SavedStaging): Promise<boolean>;
}

export type JourneyChanges = { version: string } & ({ full: true } | { full: false; streams: string[]; persons: string[]; accounts: string[]; domains: string[] });

/** Webhook subscriptions and their outbox (storage/webhooks.ts). */
export interface WebhookStore {
  createWebhook(site: string, webhook: NewWebhook, now: number): Promise<Webhook>;
  listWebhooks(site: string): Promise<Webhook[]>;
  /** False when there is no such subscription. Its deliveries go with it. */
  deleteWebhook(site: string, id: string): Promise<boolean>;
  listDeliveries(site: string, webhookId: string, options: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]>;
  /** Deliveries due at `now`, held for `lease` ms for the caller to send. */
  claimDeliveries(limit: number, lease: number, now: number): Promise<Delivery[]>;
  settleDelivery(id: string, outcome: DeliveryOutcome): Promise<void>;
  /**
   * Records people's and accounts' stages as staged now; a delivery for each that moved since the
   * last record, in the same transaction. The site's first record announces nothing.
   */
  recordStages(site: string, stages: readonly StageRecord[], now: number): Promise<number>;
  /** Forgets the recorded stages: the next record is the baseline again (a first stage subscription). */
  resetStages(site: string): Promise<void>;
  /** Due again at `now`, with its id; null when there is no such delivery. */
  replayDelivery(site: string, webhookId: string, id: string, now: number): Promise<Delivery | null>;
}

/** What exports read, a page at a time (storage/export.ts). */
export interface ExportStore {
  exportPeople(site: string, after: string | null, limit: number): Promise<ExportedPerson[]>;
  exportAccounts(site: string, after: string | null, limit: number): Promise<ExportedAccount[]>;
}

/**
 * The one port every database adapter implements (SQLite, D1, PostgreSQL). The contract suite in
 * `contract.ts` is its specification: an adapter is done when it passes.
 */
export interface Storage extends IdentityStore, ImportStore, JourneyStore, WebhookStore, ExportStore {
  /**
   * Stores events whose (site, messageId) is new and skips the rest. Resolves only once the stored
   * ones are durably committed, with `inserted[i]` telling whether `events[i]` was stored.
   * Rejects with StorageUnavailableError when the database cannot take writes now.
   */
  appendEvents(events: readonly NewEvent[]): Promise<{ inserted: boolean[] }>;
  /** Stored events in arrival order, filtered, one page at a time. */
  listEvents(query: EventQuery): Promise<EventPage>;
  /** Resolves when the database answers; rejects with StorageUnavailableError when not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The request contradicts the graph (a split that leaves nobody behind, a merge loop): a 409. */
export class IdentityConflictError extends Error {}

/** The database cannot serve now (closed, locked, disk full, unreachable): clients should retry. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** The storage was closed: it will not answer again (background work stops on it). */
export class StorageClosedError extends StorageUnavailableError {
  constructor() {
    super('storage is closed');
    this.name = 'StorageClosedError';
  }
}
