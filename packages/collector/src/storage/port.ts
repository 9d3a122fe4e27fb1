import type { EventType } from '@journey/protocol';

/** An accepted event ready to store: the columns the queries filter on, plus the event as JSON. */
export interface NewEvent {
  /** The write key's site: messageIds are unique per site. */
  site: string;
  messageId: string;
  type: EventType;
  anonymousId: string | null;
  userId: string | null;
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

/**
 * The one port every database adapter implements (SQLite, D1, PostgreSQL). The contract suite in
 * `contract.ts` is its specification: an adapter is done when it passes.
 */
export interface Storage {
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

/** The database cannot serve now (closed, locked, disk full, unreachable): clients should retry. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
