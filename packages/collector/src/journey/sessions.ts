import type { StoredPayload } from '../ingest/prepare.ts';
import { classifyLanding, clickIds, type Landing, type TouchpointChannel } from '../channels/channels.ts';

/** A visit: a device's events with no gap over 30 minutes and one campaign. */
export interface Session extends TouchpointChannel {
  /** The messageId of its first event: stable, whatever arrives later in other sessions. */
  id: string;
  /** The device (anonymousId). */
  device: string;
  start: number;
  end: number;
  /** The first page of the visit (its path), or "(not set)" when it had no page view. */
  entryPath: string;
  pages: number;
  events: number;
  /** The messageIds of its events, in order. */
  messageIds: string[];
}

export const sessionTimeout = 30 * 60 * 1000;

/** An event as sessions read it: the stored payload, with its corrected time. */
export type SessionEvent = Pick<StoredPayload, 'messageId' | 'type' | 'anonymousId' | 'userId' | 'context'> & { timestamp: string };

/** An event as a session remembers it: what names the session's entry, channel and campaign. */
type Context = NonNullable<SessionEvent['context']>;
export type Landmark = Pick<SessionEvent, 'messageId' | 'type' | 'timestamp'> & {
  context?: {
    page?: Pick<NonNullable<Context['page']>, 'url' | 'path' | 'referrer'>;
    campaign?: Pick<NonNullable<Context['campaign']>, 'source' | 'medium' | 'name'>;
    clickIds?: Context['clickIds'];
  };
};

/**
 * A device's session as far as its events so far go: enough to name its entry and channel and to
 * tell whether a later event continues it, without its events. The journey rollup keeps each
 * device's latest one, so an event arriving after the others extends it without reading it again.
 */
export interface OpenSession {
  first: Landmark;
  /** Its first page view. */
  entry?: Landmark;
  /** Its first event with a campaign (UTM tags or click ids). */
  tagged?: Landmark;
  /** The campaign it came through ('' when none): another one means the person came back. */
  campaign: string;
  /** Its latest event, in the order sessions read a device's events: time, then messageId. */
  last: { at: number; messageId: string };
  pages: number;
  events: number;
  /** Whether it has a page view or a track call: an identify or group call alone is no visit. */
  visit: boolean;
}

/** Time order, then messageId: how a device's events are read into sessions. */
export const inSessionOrder = (a: { at: number; messageId: string }, b: { at: number; messageId: string }): number =>
  a.at - b.at || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);

/**
 * The device's latest session once an event that comes after all before it is added: the same
 * session continued, or a new one when 30 minutes passed or the landing campaign changed (the SDK
 * keeps a landing URL's UTM tags and click ids on every event of its visit, so a change means the
 * person came back through another link).
 */
export function withEvent(current: OpenSession | undefined, event: SessionEvent): OpenSession {
  const at = Date.parse(event.timestamp);
  const campaign = campaignKey(event);
  const isPage = event.type === 'page';
  const visit = isPage || event.type === 'track';
  // A campaign seen before the visit's first page view (an identify sent at the same moment)
  // is that visit's own landing, not a return through another link.
  const returned = current !== undefined && campaign !== '' && campaign !== current.campaign && (current.entry !== undefined || current.campaign !== '');
  if (!current || at - current.last.at > sessionTimeout || returned) {
    const mark = landmark(event);
    return { first: mark, ...(isPage && { entry: mark }), ...(campaign !== '' && { tagged: mark }), campaign, last: { at, messageId: event.messageId }, pages: isPage ? 1 : 0, events: 1, visit };
  }
  return {
    ...current,
    ...(current.entry === undefined && isPage && { entry: landmark(event) }),
    ...(current.campaign === '' && campaign !== '' && { tagged: landmark(event), campaign }),
    last: { at, messageId: event.messageId },
    pages: current.pages + (isPage ? 1 : 0),
    events: current.events + 1,
    visit: current.visit || visit,
  };
}

/**
 * The session with an event that arrived late placed inside it (at or before its latest event):
 * as `withEvent` would have made it had the event come in time. Undefined where one session cannot
 * tell: an event before its first, or one with a campaign before its first campaign was seen (it
 * may split the session) or with another campaign.
 */
export function withLateEvent(open: OpenSession, event: SessionEvent): OpenSession | undefined {
  const order = orderOf(event);
  if (inSessionOrder(order, orderOf(open.first)) <= 0) return undefined;
  const campaign = campaignKey(event);
  if (campaign !== '' && (campaign !== open.campaign || inSessionOrder(order, orderOf(open.tagged!)) < 0)) return undefined;
  const isPage = event.type === 'page';
  const entry = isPage && (!open.entry || inSessionOrder(order, orderOf(open.entry)) < 0);
  // A page view before the first campaign was seen would make that campaign a return: a new session.
  if (entry && open.tagged && inSessionOrder(order, orderOf(open.tagged)) < 0) return undefined;
  return {
    ...open,
    ...(entry && { entry: landmark(event) }),
    pages: open.pages + (isPage ? 1 : 0),
    events: open.events + 1,
    visit: open.visit || isPage || event.type === 'track',
  };
}

/** Where an event (or a session's landmark) stands in a device's session order. */
export const orderOf = (event: Pick<SessionEvent, 'timestamp' | 'messageId'>) => ({ at: Date.parse(event.timestamp), messageId: event.messageId });

/**
 * Splits a device's events into sessions, server-side and order-independently: in time order, each
 * event continues the session before it or starts one (`withEvent`). Each session's channel is read
 * from its landing: its first page view and the first event with a campaign.
 */
export function sessionsOf(events: readonly SessionEvent[]): Session[] {
  const sessions: Session[] = [];
  for (const [device, stream] of devicesOf(events)) {
    let current: OpenSession | undefined;
    let messageIds: string[] = [];
    for (const event of stream) {
      const next = withEvent(current, event);
      if (current && next.first.messageId !== current.first.messageId) {
        if (current.visit) sessions.push(sessionFrom(device, current, messageIds));
        messageIds = [];
      }
      messageIds.push(event.messageId);
      current = next;
    }
    if (current?.visit) sessions.push(sessionFrom(device, current, messageIds));
  }
  // Only a visit is a session: an identify or group call on its own (a server's, a login's
  // bookkeeping) is not one.
  return sessions.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A device's latest session after these events (its own, in any order), visit or not. */
export function latestSession(events: readonly SessionEvent[]): OpenSession | undefined {
  let current: OpenSession | undefined;
  for (const [, stream] of devicesOf(events)) for (const event of stream) current = withEvent(current, event);
  return current;
}

/** Each device's events in session order; events a server sent with only a user id are no visit. */
function devicesOf(events: readonly SessionEvent[]): Map<string, SessionEvent[]> {
  const byDevice = new Map<string, SessionEvent[]>();
  for (const event of events) {
    const device = event.anonymousId;
    if (!device) continue;
    if (!byDevice.has(device)) byDevice.set(device, []);
    byDevice.get(device)!.push(event);
  }
  for (const stream of byDevice.values()) stream.sort((a, b) => inSessionOrder(orderOf(a), orderOf(b)));
  return byDevice;
}

/** The landing campaign an event carries: UTM tags and which click ids; empty when none. */
function campaignKey(event: SessionEvent): string {
  const { campaign, clickIds: ids } = event.context ?? {};
  const tags = [campaign?.source, campaign?.medium, campaign?.name].map((value) => value?.trim().toLowerCase() ?? '');
  const clicks = clickIds.filter((name) => ids?.[name]);
  return tags.some(Boolean) || clicks.length ? `${tags.join('\u0000')}\u0000${clicks.join(',')}` : '';
}

/** What a session reads of an event (kept small: the rollup stores each device's open session). */
function landmark(event: SessionEvent): Landmark {
  const { page: fullPage, campaign: fullCampaign, clickIds: ids } = event.context ?? {};
  const page = fullPage && only(fullPage, ['url', 'path', 'referrer']);
  const campaign = fullCampaign && only(fullCampaign, ['source', 'medium', 'name']);
  const context = { ...(page && { page }), ...(campaign && { campaign }), ...(ids && { clickIds: ids }) };
  return { messageId: event.messageId, type: event.type, timestamp: event.timestamp, ...(Object.keys(context).length > 0 && { context }) };
}

/** These keys of an object, those it has. */
function only<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}

/** A session as journeys and maps show it, from what it is made of so far. */
export function sessionFrom(device: string, open: OpenSession, messageIds: string[]): Session {
  const { first } = open;
  const page = (open.entry ?? first).context?.page;
  // The visit's campaign, wherever in its first moments it was first seen.
  const tagged = open.tagged ?? first;
  const landing: Landing = {
    utmSource: tagged.context?.campaign?.source ?? null,
    utmMedium: tagged.context?.campaign?.medium ?? null,
    utmCampaign: tagged.context?.campaign?.name ?? null,
    referrer: page?.referrer ?? null,
    clickIds: tagged.context?.clickIds ?? {},
    siteHost: hostOf(page?.url),
  };
  return {
    id: first.messageId,
    device,
    start: Date.parse(first.timestamp),
    end: open.last.at,
    entryPath: page?.path ?? pathOf(page?.url) ?? '(not set)',
    pages: open.pages,
    events: open.events,
    messageIds,
    ...classifyLanding(landing),
  };
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** A URL's path, or undefined when it is not a URL. */
export function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
