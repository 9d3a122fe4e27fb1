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

/**
 * Splits a device's events into sessions, server-side and order-independently: in time order,
 * a new session starts after 30 minutes without an event or when the landing campaign changes (the
 * SDK keeps a landing URL's UTM tags and click ids on every event of its visit, so a change means
 * the person came back through another link). Each session's channel is read from its first event.
 */
export function sessionsOf(events: readonly SessionEvent[]): Session[] {
  const byDevice = new Map<string, SessionEvent[]>();
  for (const event of events) {
    // Events a server sent with only a user id (a renewal billed overnight) are no visit.
    const device = event.anonymousId;
    if (!device) continue;
    if (!byDevice.has(device)) byDevice.set(device, []);
    byDevice.get(device)!.push(event);
  }
  const sessions: Array<Session & { visit: boolean }> = [];
  for (const [device, stream] of byDevice) {
    stream.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    let current: { events: SessionEvent[]; campaign: string; last: number; landed: boolean } | undefined;
    for (const event of stream) {
      const at = Date.parse(event.timestamp);
      const campaign = campaignKey(event);
      // A campaign seen before the visit's first page view (an identify sent at the same moment)
      // is that visit's own landing, not a return through another link.
      const returned = campaign !== '' && campaign !== current?.campaign && (current?.landed || current?.campaign !== '');
      if (!current || at - current.last > sessionTimeout || returned) {
        if (current) sessions.push(session(device, current.events));
        current = { events: [], campaign, last: at, landed: false };
      }
      if (campaign !== '' && current.campaign === '') current.campaign = campaign;
      current.landed ||= event.type === 'page';
      current.events.push(event);
      current.last = at;
    }
    if (current) sessions.push(session(device, current.events));
  }
  // Only a visit is a session: an identify or group call on its own (a server's, a login's
  // bookkeeping) is not one.
  return sessions.filter((session) => session.visit).map(({ visit: _visit, ...session }) => session).sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The landing campaign an event carries: UTM tags and which click ids; empty when none. */
function campaignKey(event: SessionEvent): string {
  const { campaign, clickIds: ids } = event.context ?? {};
  const tags = [campaign?.source, campaign?.medium, campaign?.name].map((value) => value?.trim().toLowerCase() ?? '');
  const clicks = clickIds.filter((name) => ids?.[name]);
  return tags.some(Boolean) || clicks.length ? `${tags.join('\u0000')}\u0000${clicks.join(',')}` : '';
}

function session(device: string, events: SessionEvent[]): Session & { visit: boolean } {
  const first = events[0]!;
  const entry = events.find((event) => event.type === 'page') ?? first;
  const page = entry.context?.page;
  // The visit's campaign, wherever in its first moments it was first seen.
  const tagged = events.find((event) => campaignKey(event) !== '') ?? first;
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
    end: Date.parse(events.at(-1)!.timestamp),
    entryPath: page?.path ?? pathOf(page?.url) ?? '(not set)',
    pages: events.filter((event) => event.type === 'page').length,
    events: events.length,
    messageIds: events.map((event) => event.messageId),
    visit: events.some((event) => event.type === 'page' || event.type === 'track'),
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
