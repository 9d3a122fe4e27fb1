import type { JsonValue } from '@journey/protocol';

/**
 * A touchpoint recorded outside the site and imported (POST /v1/import): a webinar attended, a
 * sales call, a conference badge scan, a deal closed in the CRM. Standardised before it is stored:
 * trimmed; emails, domains and UTM values lower-cased; URLs canonical without tracking parameters;
 * empty fields dropped.
 */
export interface OfflineTouchpoint {
  /** The system it came from: `salesforce`, `hubspot`, `zoom`, `conference-2026`. */
  source: string;
  /** Its id in that system: with `source`, what makes re-importing the same file change nothing. */
  externalId: string;
  /** What happened: `webinar`, `demo`, `sales_call`, `meeting`, `email`, `conference`, `closed_won`, … */
  type: string;
  /** When (ms since the epoch). */
  occurredAt: number;
  /** Who: at least one of them, or an account. */
  email?: string;
  userId?: string;
  /** Which company: its account id, or its domain. */
  accountId?: string;
  domain?: string;
  /** How it was reached, where the source knows (a campaign's UTM values). */
  campaign?: { source?: string; medium?: string; name?: string };
  /** A page it points to, canonical. */
  url?: string;
  properties?: Record<string, JsonValue>;
}

/** One row's fate: stored, or why not. Row numbers count from 1 (a CSV's header is row 0). */
export type ImportOutcome =
  | { row: number; status: 'imported'; id: string }
  | { row: number; status: 'duplicate'; id: string; reason: 'same source and externalId' | 'same person, type and time' }
  | { row: number; status: 'rejected'; errors: Array<{ field: string; message: string }> };
