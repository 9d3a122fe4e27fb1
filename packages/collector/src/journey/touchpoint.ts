import type { Channel } from '../channels/channels.ts';

/**
 * One moment in a customer journey that a map shows: a session's entry (how the person arrived),
 * a key event on the site (sign-up, demo request, purchase), or a touchpoint recorded elsewhere
 * and imported (a webinar, a sales call, a closed deal in the CRM).
 */
export interface Touchpoint {
  /** Stable id: `session:` and its first event's messageId, the key event's messageId, or the import's source + externalId. */
  id: string;
  kind: 'session' | 'event' | 'offline';
  /** When it happened (ms since the epoch, corrected time). */
  at: number;
  /**
   * What it was: for a session its entry page's path, for an event the event name ("Signed Up"),
   * for an offline touchpoint its type ("webinar", "sales_call", "closed_won").
   */
  name: string;
  /** GA4's default channel group; `Offline` for what happened off the web (a call, a conference). */
  channel: Channel | 'Offline';
  source: string;
  medium: string;
  campaign: string;
  /** The page it happened on, where there is one (a path such as /pricing). */
  path?: string;
  personId?: string;
  accountId?: string;
  /** Free-form properties (an order's revenue, a webinar's title). */
  properties?: Record<string, unknown>;
}

/** The stages of the default journey model, in order. */
export const defaultStages = ['awareness', 'consideration', 'purchase', 'loyalty'] as const;
