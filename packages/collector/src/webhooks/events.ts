/**
 * What Journey tells marketing-automation tools, and the payload of each: who (the person or
 * account), when, and the event that caused it. Built from a stored event, in the transaction
 * that stores it (storage/webhooks.ts). Pure.
 */
import type { JsonValue } from '@journey/protocol';
import type { NewEvent } from '../storage/port.ts';

export const webhookEvents = ['person.identified', 'account.created', 'form.abandoned', 'person.stage_changed', 'account.stage_changed'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

export interface WebhookPayload {
  /** The delivery's id: the Journey-Delivery header too. */
  id: string;
  type: WebhookEvent;
  /** When it happened (the event's corrected time). */
  occurredAt: string;
  site: string;
  person?: { id?: string; userId?: string; email?: string; anonymousId?: string; traits?: Record<string, unknown> };
  account?: { id: string; traits?: Record<string, unknown> };
  /** What caused it: a stored event, or for a stage change the touchpoint (or trait) that moved them. */
  cause: { messageId: string; type: string; event?: string } | StageCause;
  /** A stage change: from (null before any stage) and to. */
  stage?: { from: string | null; to: string };
  /** What else the event said (a form's id and last field, a page). */
  data?: Record<string, unknown>;
}

/** The touchpoint that moved someone into a stage, or the trait whose setting did. */
export type StageCause = { touchpoint: { id: string; kind: string; name: string; channel: string; at: string } } | { trait: string };

/** A person's or account's stage as staged now, and what moved them into it. */
export interface StageRecord {
  kind: 'person' | 'account';
  id: string;
  stage: string;
  /** When they entered it. */
  at: number;
  cause: StageCause;
  /** Its account's traits (a person's: their account's), for subscriptions that filter by them. */
  accountTraits?: Record<string, JsonValue>;
}

/** The payload of a stage change; a person's with the user id and email they are known by (`name`), where they have them. */
export function stageChanged(record: StageRecord, from: string | null, site: string, name?: { userId?: string; email?: string }): Omit<WebhookPayload, 'id'> {
  return {
    type: record.kind === 'person' ? 'person.stage_changed' : 'account.stage_changed',
    occurredAt: new Date(record.at).toISOString(),
    site,
    ...(record.kind === 'person' ? { person: { id: record.id, ...name } } : { account: { id: record.id } }),
    stage: { from, to: record.stage },
    cause: record.cause,
  };
}

type Stored = { event?: string; traits?: Record<string, unknown>; properties?: Record<string, unknown>; context?: { page?: Record<string, unknown> } };

const person = (event: NewEvent, personId: string | undefined, traits?: Record<string, unknown>): WebhookPayload['person'] => ({
  ...(personId && { id: personId }),
  ...(event.userId && { userId: event.userId }),
  ...(event.anonymousId && { anonymousId: event.anonymousId }),
  ...(traits && Object.keys(traits).length > 0 && { traits }),
});

/** What a stored event could cause, read from it alone: the outbox looks further only for these. */
export function mayCause(event: NewEvent): WebhookEvent[] {
  const stored = JSON.parse(event.payload) as Stored & { traits?: { email?: unknown }; context?: { traits?: { email?: unknown } } };
  return [
    ...(event.userId !== null || stored.traits?.email !== undefined || stored.context?.traits?.email !== undefined ? (['person.identified'] as const) : []),
    ...(event.groupId !== null ? (['account.created'] as const) : []),
    ...(event.type === 'track' && stored.event === 'Form Abandoned' ? (['form.abandoned'] as const) : []),
  ];
}

/**
 * The webhook events one stored event causes. `identified`: its user id (or, without one, the
 * email its traits give) was seen for the first time in it; `created`: its groupId named an
 * account that did not exist before it.
 */
export function causedBy(event: NewEvent, facts: { personId?: string; identified: boolean; created: boolean }): Array<Omit<WebhookPayload, 'id'>> {
  const stored = JSON.parse(event.payload) as Stored;
  const base = { occurredAt: new Date(event.timestamp).toISOString(), site: event.site, cause: { messageId: event.messageId, type: event.type, ...(stored.event && { event: stored.event }) } };
  const out: Array<Omit<WebhookPayload, 'id'>> = [];
  if (facts.identified) out.push({ ...base, type: 'person.identified', person: person(event, facts.personId, stored.traits) });
  if (facts.created && event.groupId) {
    out.push({ ...base, type: 'account.created', account: { id: event.groupId, ...(event.type === 'group' && stored.traits && { traits: stored.traits }) }, person: person(event, facts.personId) });
  }
  if (event.type === 'track' && stored.event === 'Form Abandoned') {
    const page = stored.context?.page;
    out.push({ ...base, type: 'form.abandoned', person: person(event, facts.personId), data: { ...stored.properties, ...(page && { page: { path: page['path'], url: page['url'] } }) } });
  }
  return out;
}
