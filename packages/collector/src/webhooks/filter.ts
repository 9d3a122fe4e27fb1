/**
 * Which deliveries a subscription wants: its event types, stage changes into some stages only,
 * and events of accounts with some traits only (the persona or ICP a campaign targets:
 * `{"industry": "Software", "employees": "50..200"}`, matched as the aggregate queries' filters),
 * and people known by a user id or an email only (a marketing-automation tool can do nothing with
 * an anonymous visitor's every move). Pure.
 */
import type { JsonValue } from '@journey/protocol';
import { traitMatches } from '../analytics/filters.ts';
import type { Webhook } from '../storage/webhooks.ts';
import type { WebhookEvent } from './events.ts';

export interface Wanted {
  type: WebhookEvent;
  /** The stage moved into, for a stage change. */
  stage?: string;
  /** The traits of the account the event is about (a person's: their account's). */
  accountTraits?: Record<string, JsonValue>;
  /** Whether the person the event is about is known by a user id or an email (absent: an account's event). */
  identified?: boolean;
}

export function wants(webhook: Pick<Webhook, 'events' | 'filter'>, event: Wanted): boolean {
  if (!webhook.events.includes(event.type)) return false;
  const { stages, account, identified } = webhook.filter ?? {};
  if (stages && event.stage !== undefined && !stages.includes(event.stage)) return false;
  if (identified && event.identified === false) return false;
  if (account) {
    const traits = event.accountTraits;
    if (!traits || !Object.entries(account).every(([key, value]) => traitMatches(traits[key], value))) return false;
  }
  return true;
}
