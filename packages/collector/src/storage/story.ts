import { prepareEvents } from '../ingest/prepare.ts';
import type { NewEvent } from './port.ts';

/** Test data: protocol events at chosen times, prepared exactly as ingestion prepares them. */
export function eventsAt(site: string, items: Array<[at: number, event: Record<string, unknown>]>): NewEvent[] {
  let n = 0;
  return items.map(([at, event]) => {
    const input = { messageId: `${site}-${String(++n).padStart(4, '0')}-${event.type}`, ...event, timestamp: new Date(at).toISOString() };
    const { rows, rejected } = prepareEvents([input], { site, receivedAt: at + 1000, ip: undefined, userAgent: undefined, storeRawIp: false });
    if (rejected.length) throw new Error(`test event refused: ${JSON.stringify(rejected)}`);
    return rows[0]!;
  });
}

const day = 24 * 60 * 60 * 1000;
const minute = 60 * 1000;
export const t0 = Date.UTC(2026, 2, 2, 9);

/**
 * The story every adapter must get right (issue #4). Ann browses on her laptop (L) from a LinkedIn
 * ad and on her phone (P) from a Google search, signs up on L with the form, is identified and
 * grouped into Northwind, and logs in on P a week later. Ben signs up with a Northwind address, no
 * group call; Cleo with a Gmail address. Dan and Eve share a kiosk (K): Dan logs in, Eve later,
 * without a reset.
 */
export function story(site = 'default'): NewEvent[] {
  const page = (anonymousId: string, path: string, extra: Record<string, unknown> = {}) =>
    ({ type: 'page', anonymousId, context: { page: { path } }, ...extra });
  return eventsAt(site, [
    [t0, page('L', '/', { context: { page: { path: '/' }, campaign: { source: 'linkedin', medium: 'paid_social' } } })],
    [t0 + 5 * minute, page('L', '/pricing')],
    [t0 + day, page('P', '/', { context: { page: { path: '/', referrer: 'https://www.google.com/' } } })],
    [t0 + day + 2 * minute, page('P', '/docs')],
    [t0 + 2 * day, { type: 'track', anonymousId: 'L', event: 'Signed Up', context: { traits: { email: 'Ann@Northwind.io ' } } }],
    [t0 + 2 * day + minute, { type: 'identify', anonymousId: 'L', userId: 'u-ann', traits: { email: 'ann@northwind.io', name: 'Ann', title: 'CTO' } }],
    [t0 + 2 * day + 2 * minute, { type: 'group', anonymousId: 'L', userId: 'u-ann', groupId: 'northwind', traits: { name: 'Northwind', domain: 'northwind.io', employees: 120 } }],
    [t0 + 2 * day + 3 * minute, { type: 'track', anonymousId: 'L', userId: 'u-ann', event: 'Created Project', context: { groupId: 'northwind' } }],
    [t0 + 3 * day, page('B', '/')],
    [t0 + 3 * day + minute, { type: 'track', anonymousId: 'B', event: 'Signed Up', context: { traits: { email: 'ben@northwind.io', name: 'Ben' } } }],
    [t0 + 4 * day, page('C', '/')],
    [t0 + 4 * day + minute, { type: 'track', anonymousId: 'C', event: 'Signed Up', context: { traits: { email: 'cleo@gmail.com' } } }],
    [t0 + 5 * day, page('K', '/')],
    [t0 + 5 * day + 10 * minute, { type: 'identify', anonymousId: 'K', userId: 'u-dan', traits: { name: 'Dan' } }],
    [t0 + 5 * day + 20 * minute, { type: 'page', anonymousId: 'K', userId: 'u-dan', context: { page: { path: '/app' } } }],
    [t0 + 5 * day + 30 * minute, page('K', '/app/help')],
    [t0 + 6 * day, { type: 'identify', anonymousId: 'K', userId: 'u-eve', traits: { name: 'Eve' } }],
    [t0 + 6 * day + 10 * minute, { type: 'page', anonymousId: 'K', userId: 'u-eve', context: { page: { path: '/app' } } }],
    [t0 + 6 * day + 20 * minute, page('K', '/app/billing')],
    [t0 + 9 * day, { type: 'identify', anonymousId: 'P', userId: 'u-ann' }],
    [t0 + 9 * day + minute, { type: 'page', anonymousId: 'P', userId: 'u-ann', context: { page: { path: '/app' } } }],
  ]);
}

/** Deterministic shuffles: a tiny PRNG so a failing order can be replayed from its seed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
