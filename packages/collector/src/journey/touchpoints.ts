import { sessionsOf, type Session, type SessionEvent } from './sessions.ts';
import type { Touchpoint } from './touchpoint.ts';

/**
 * The events that are touchpoints in their own right, by Segment Spec name: what moves a journey
 * (sign-ups, demo requests, webinars, purchases) and where it stalls (an abandoned form).
 */
export const defaultKeyEvents = [
  'Signed Up',
  'Demo Requested',
  'Webinar Registered',
  'Trial Started',
  'Order Completed',
  'Subscription Started',
  'Subscription Renewed',
  'Referral Sent',
  'Form Abandoned',
] as const;

/** An event as stored, as far as touchpoints read it: track events carry a name and properties. */
export type JourneyEvent = SessionEvent & { event?: string | undefined; properties?: Record<string, unknown> | undefined };

/**
 * A person's (or an account's) touchpoints from their events: every session's entry, with the
 * channel it came through, and every key event, credited to the session it happened in.
 */
export function touchpointsOf(
  events: readonly JourneyEvent[],
  options: { keyEvents?: readonly string[]; personOf?: (event: JourneyEvent) => string | undefined; accountOf?: (event: JourneyEvent) => string | undefined } = {},
): { sessions: Session[]; touchpoints: Touchpoint[] } {
  const keyEvents = keyEventSet(options.keyEvents);
  const sessions = sessionsOf(events);
  const sessionOf = new Map<string, Session>();
  for (const session of sessions) for (const messageId of session.messageIds) sessionOf.set(messageId, session);
  const byId = new Map(events.map((event) => [event.messageId, event]));
  const owners = (event: JourneyEvent) => {
    const personId = options.personOf?.(event);
    const accountId = options.accountOf?.(event);
    return { ...(personId && { personId }), ...(accountId && { accountId }) };
  };

  const touchpoints: Touchpoint[] = sessions.map((session) => ({ ...sessionTouchpoint(session), ...owners(byId.get(session.id)!) }));
  for (const event of events) {
    if (isKeyEvent(event, keyEvents)) touchpoints.push({ ...keyEventTouchpoint(event, sessionOf.get(event.messageId)), ...owners(event) });
  }
  touchpoints.sort(inJourneyOrder);
  return { sessions, touchpoints };
}

/** Time order; at the same moment a session's entry before what happened in it; then by id. */
export const inJourneyOrder = (a: Touchpoint, b: Touchpoint): number =>
  a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'session' ? -1 : b.kind === 'session' ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The key event names, matched without regard to case. */
export const keyEventSet = (names: readonly string[] = defaultKeyEvents): ReadonlySet<string> => new Set(names.map((name) => name.toLowerCase()));

export const isKeyEvent = (event: JourneyEvent, keyEvents: ReadonlySet<string>): boolean =>
  event.type === 'track' && !!event.event && keyEvents.has(event.event.toLowerCase());

/** A session's entry: how the person arrived. */
export const sessionTouchpoint = (session: Session): Touchpoint => ({
  // Not the first event's own id: that event may be a key event, a touchpoint of its own.
  id: `session:${session.id}`,
  kind: 'session',
  at: session.start,
  name: session.entryPath,
  channel: session.channel,
  source: session.source,
  medium: session.medium,
  campaign: session.campaign,
  path: session.entryPath,
});

/** A key event, credited to the session it happened in. */
export function keyEventTouchpoint(event: JourneyEvent, session: Session | undefined): Touchpoint {
  // A key event outside any visit (a server's: a renewal billed overnight) came through no channel.
  const via = session ?? { channel: 'Unassigned' as const, source: '(not set)', medium: '(not set)', campaign: '(not set)' };
  return {
    id: event.messageId,
    kind: 'event',
    at: Date.parse(event.timestamp),
    name: event.event!,
    channel: via.channel,
    source: via.source,
    medium: via.medium,
    campaign: via.campaign,
    ...(event.context?.page?.path && { path: event.context.page.path }),
    ...(event.properties && Object.keys(event.properties).length > 0 && { properties: event.properties }),
  };
}
