/**
 * Moments on the wire: each becomes the event the SDK (packages/sdk/src/journey.ts) would send —
 * the same fields, in the same context — or, for the server's renewals, what a server library sends.
 * One addition: context.userAgent, which the browser puts in a header instead; a seeder posting from
 * one process has only its own header, and the devices are part of the story.
 */
import type { EventContext, JourneyEvent } from '@journey/protocol';
import type { PlannedDevice } from './journey.ts';
import type { Settings } from './options.ts';
import type { Locale } from './names.ts';
import type { Moment, RenderedVisit } from './session.ts';
import { iso } from './timing.ts';

// Shared by many events, so frozen: a consumer that edits one event cannot change the others.
const library = Object.freeze({ name: 'journey.js', version: '0.1.0' });
const serverLibrary = Object.freeze({ name: 'analytics-node', version: '3.1.0' });

/** The event for one moment; `locale` is the device's (its first user's). */
export function toWire(moment: Moment, rendered: RenderedVisit, device: PlannedDevice | undefined, locale: Locale, settings: Settings): JourneyEvent {
  const at = iso(moment.at);
  const sentAt = iso(moment.sentAt);
  // The SDK leaves `timestamp` to the collector, unless history is imported; a server library
  // always stamps it.
  const timestamp = settings.historical ? at : undefined;

  if (moment.server || !device) {
    const context: EventContext = { library: serverLibrary };
    if (moment.groupId !== undefined) context.groupId = moment.groupId;
    return { type: 'track', messageId: moment.messageId, userId: moment.userId, event: moment.event!, properties: moment.properties ?? {}, timestamp: at, sentAt, context };
  }

  const arrival = rendered.visit.arrival;
  const context: EventContext = { page: moment.page! };
  if (arrival?.utm) context.campaign = arrival.utm;
  if (arrival?.clickIds) context.clickIds = arrival.clickIds;
  context.sessionId = rendered.sessionId!;
  if (moment.groupId !== undefined) context.groupId = moment.groupId;
  if (moment.type === 'track' && moment.traits) context.traits = moment.traits;
  context.locale = locale.locale;
  context.timezone = locale.timezone;
  context.screen = device.model.screen;
  context.library = library;
  context.userAgent = device.model.userAgent;

  // Built key by key, leaving out what is undefined, as the SDK's JSON round trip does.
  const event: Record<string, unknown> = { type: moment.type, messageId: moment.messageId, anonymousId: device.anonymousId };
  if (moment.userId !== undefined) event.userId = moment.userId;
  if (timestamp !== undefined) event.timestamp = timestamp;
  event.originalTimestamp = at;
  event.sentAt = sentAt;
  event.context = context;
  if (moment.type === 'track') {
    event.event = moment.event;
    event.properties = moment.properties ?? {};
  } else if (moment.type === 'identify') {
    event.traits = moment.traits ?? {};
  } else if (moment.type === 'group') {
    event.groupId = moment.groupId;
    event.traits = moment.traits ?? {};
  }
  return event as JourneyEvent;
}
