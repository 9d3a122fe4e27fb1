import { channelOf } from '../channels/channels.ts';
import type { OfflineTouchpoint } from '../import/offline-touchpoint.ts';
import type { Touchpoint } from './touchpoint.ts';
import { pathOf } from './sessions.ts';

/** Imported types that are a digital channel of their own, when the source gave no campaign. */
const typeChannels: Record<string, Touchpoint['channel']> = { email: 'Email', sms: 'SMS', push: 'Mobile Push Notifications' };

/**
 * An imported touchpoint on the journey. Its channel comes from its campaign's UTM values when the
 * source gave them (a webinar promoted by email counts for Email); an email or SMS sent is its own
 * channel; anything else (a call, a meeting, a conference, a closed deal) is Offline.
 */
export function offlineTouchpoint(row: OfflineTouchpoint & { id: string }, owners: { personId?: string; accountId?: string } = {}): Touchpoint {
  const source = row.campaign?.source ?? row.source;
  const medium = row.campaign?.medium ?? '(not set)';
  const campaign = row.campaign?.name ?? '(not set)';
  const channel = row.campaign?.medium || row.campaign?.source ? channelOf({ source, medium, campaign }) : (typeChannels[row.type] ?? 'Offline');
  return {
    id: row.id,
    kind: 'offline',
    at: row.occurredAt,
    name: row.type,
    channel,
    source,
    medium,
    campaign,
    ...(row.url && { path: pathOf(row.url) }),
    ...owners,
    ...(row.properties && { properties: row.properties }),
  };
}
