import { event as eventSchema, limits, type EventContext, type JourneyEvent, type RejectedEvent } from '@journey/protocol';
import type { NewEvent } from '../storage/port.ts';
import { toIssues } from '../http/errors.ts';
import { anonymizeIp, normalizeIp } from './ip.ts';
import { eventTime } from './timestamp.ts';
import { factsOf } from '../identity/facts.ts';
import { parseUserAgent, type ClientInfo } from './user-agent.ts';

/** What ingestion knows about the request the events came in. */
export interface Arrival {
  site: string;
  receivedAt: number;
  /** The connection's IP, as the runtime reports it. */
  ip: string | undefined;
  /** The request's User-Agent header (the browser's, or a server library's). */
  userAgent: string | undefined;
  /** The connection's country, where the platform tells it (an ISO 3166-1 alpha-2 code). */
  country?: string | undefined;
  storeRawIp: boolean;
  /** The batch's sentAt and shared context, for events that carry none of their own. */
  batchSentAt?: string | undefined;
  batchContext?: EventContext | undefined;
}

/** The event as stored and as GET /v1/events returns it. */
export type StoredPayload = JourneyEvent & { timestamp: string; receivedAt: string; client: ClientInfo };

export interface Prepared {
  rows: NewEvent[];
  /** For each row, the index of its event in the request. */
  indexes: number[];
  rejected: RejectedEvent[];
}

/**
 * Validates each event on its own and enriches the valid ones: corrected time, the IP without its
 * host part, the parsed user agent. One bad event is reported by index and never costs the rest.
 */
export function prepareEvents(items: readonly unknown[], arrival: Arrival): Prepared {
  const prepared: Prepared = { rows: [], indexes: [], rejected: [] };
  items.forEach((item, index) => {
    const input = arrival.batchContext && isObject(item) ? withBatchContext(item, arrival.batchContext) : item;
    const result = eventSchema.safeParse(input);
    if (!result.success) {
      prepared.rejected.push(rejection(index, item, toIssues(result.error.issues)));
      return;
    }
    const row = toRow(result.data, arrival);
    if (row.payload.length > limits.eventBytes / 3 && new TextEncoder().encode(row.payload).length > limits.eventBytes) {
      prepared.rejected.push(
        rejection(index, item, [{ path: [], message: `event larger than ${limits.eventBytes / 1024} KB once serialised` }]),
      );
      return;
    }
    prepared.rows.push(row);
    prepared.indexes.push(index);
  });
  return prepared;
}

function toRow(event: JourneyEvent, arrival: Arrival): NewEvent {
  const time = eventTime(event, arrival.batchSentAt, arrival.receivedAt);
  // A server library reports its end user's IP in context.ip; a browser's is the connection's.
  const rawIp = event.context?.ip ?? arrival.ip;
  const ip = rawIp === undefined ? undefined : arrival.storeRawIp ? normalizeIp(rawIp) : anonymizeIp(rawIp);
  const userAgent = event.context?.userAgent ?? arrival.userAgent;
  const context: EventContext = { ...event.context };
  if (ip === undefined) delete context.ip;
  else context.ip = ip;

  const payload: StoredPayload = {
    ...event,
    context,
    timestamp: new Date(time).toISOString(),
    receivedAt: new Date(arrival.receivedAt).toISOString(),
    client: withCountry(userAgent ? parseUserAgent(userAgent) : { bot: false }, arrival.country),
  };
  return {
    site: arrival.site,
    messageId: event.messageId,
    type: event.type,
    anonymousId: event.anonymousId ?? null,
    userId: event.userId ?? null,
    groupId: (event.type === 'group' ? event.groupId : event.context?.groupId) ?? null,
    facts: factsOf(event),
    timestamp: time,
    receivedAt: arrival.receivedAt,
    payload: JSON.stringify(payload),
  };
}

/** Cloudflare says XX when it does not know, and T1 for Tor: neither is a country. */
const withCountry = (client: ClientInfo, country: string | undefined): ClientInfo =>
  country && /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? { ...client, country } : client;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function withBatchContext(item: Record<string, unknown>, batchContext: EventContext) {
  const own = isObject(item.context) ? item.context : {};
  return { ...item, context: { ...batchContext, ...own } };
}

function rejection(index: number, item: unknown, errors: RejectedEvent['errors']): RejectedEvent {
  const messageId = isObject(item) && typeof item.messageId === 'string' ? item.messageId.slice(0, limits.messageId) : undefined;
  return messageId === undefined ? { index, errors } : { index, messageId, errors };
}
