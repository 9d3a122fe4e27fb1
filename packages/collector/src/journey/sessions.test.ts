import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inSessionOrder, latestSession, sessionsOf, withEvent, withLateEvent, type OpenSession, type SessionEvent } from './sessions.ts';

const start = Date.UTC(2026, 2, 2, 9, 0, 0);
const minutes = (n: number) => new Date(start + n * 60_000).toISOString();
let counter = 0;

/** A page view as the SDK sends it, on acme.com, `at` minutes after nine. */
function page(at: number, path: string, extra: { device?: string; referrer?: string; campaign?: Record<string, string>; clickIds?: Record<string, string> } = {}) {
  counter += 1;
  return {
    messageId: `m-${String(counter).padStart(4, '0')}`,
    type: 'page' as const,
    anonymousId: extra.device ?? 'laptop',
    timestamp: minutes(at),
    context: {
      page: { url: `https://www.acme.com${path}`, path, ...(extra.referrer && { referrer: extra.referrer }) },
      ...(extra.campaign && { campaign: extra.campaign }),
      ...(extra.clickIds && { clickIds: extra.clickIds }),
    },
  };
}

const shape = (events: Parameters<typeof sessionsOf>[0]) =>
  sessionsOf(events).map((session) => ({ device: session.device, entry: session.entryPath, channel: session.channel, source: session.source, medium: session.medium, pages: session.pages }));

describe('sessions', () => {
  it('ends a session after 30 minutes without an event, not before', () => {
    const events = [page(0, '/'), page(20, '/pricing'), page(50, '/docs'), page(81, '/blog')];
    // 0 → 20 → 50: gaps of 20 and 30 minutes; 50 → 81: 31 minutes, a new visit.
    expect(sessionsOf(events).map((session) => [session.entryPath, session.pages])).toEqual([
      ['/', 3],
      ['/blog', 1],
    ]);
  });

  it('starts a new session when the visitor comes back through another campaign, even within 30 minutes', () => {
    const newsletter = { source: 'newsletter', medium: 'email', name: 'autumn' };
    const events = [
      page(0, '/', { referrer: 'https://www.google.com/' }),
      page(5, '/pricing', { campaign: newsletter }),
      page(8, '/pricing/team', { campaign: newsletter }),
      page(12, '/docs', { clickIds: { gclid: 'abc' } }),
    ];
    expect(shape(events)).toEqual([
      { device: 'laptop', entry: '/', channel: 'Organic Search', source: 'google', medium: 'organic', pages: 1 },
      { device: 'laptop', entry: '/pricing', channel: 'Email', source: 'newsletter', medium: 'email', pages: 2 },
      { device: 'laptop', entry: '/docs', channel: 'Paid Search', source: 'google', medium: 'cpc', pages: 1 },
    ]);
  });

  it('keeps devices apart, and names a visit without a referrer from outside Direct', () => {
    const events = [page(0, '/', { device: 'laptop' }), page(1, '/', { device: 'phone', referrer: 'https://www.linkedin.com/' }), page(2, '/pricing', { device: 'laptop', referrer: 'https://www.acme.com/' })];
    expect(shape(events)).toEqual([
      { device: 'laptop', entry: '/', channel: 'Direct', source: '(direct)', medium: '(none)', pages: 2 },
      { device: 'phone', entry: '/', channel: 'Organic Social', source: 'linkedin.com', medium: 'referral', pages: 1 },
    ]);
  });

  it('comes out the same for any arrival order', () => {
    const events = [page(0, '/'), page(10, '/pricing'), page(45, '/docs', { device: 'phone' }), page(50, '/', { campaign: { source: 'linkedin', medium: 'paid_social' } }), page(95, '/blog')];
    const reference = sessionsOf(events);
    expect(reference).toHaveLength(4);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...events].sort(() => Math.random() - 0.5);
      expect(sessionsOf(shuffled)).toEqual(reference);
    }
  });

  it('makes no session of what a server sent with only a user id, and reads the entry page from the first page view', () => {
    const renewal = { messageId: 'm-server', type: 'track' as const, userId: 'u-1', timestamp: minutes(0), context: {} };
    const identify = { messageId: 'm-identify', type: 'identify' as const, anonymousId: 'laptop', timestamp: minutes(1), context: {} };
    expect(sessionsOf([renewal])).toEqual([]);
    const [session] = sessionsOf([renewal, identify, page(3, '/account')]);
    expect(session).toMatchObject({ id: 'm-identify', device: 'laptop', entryPath: '/account', pages: 1, events: 2, start: start + 60_000, end: start + 3 * 60_000 });
  });

  it('makes no session of identify and group calls alone', () => {
    const identify = { messageId: 'm-identify', type: 'identify' as const, anonymousId: 'laptop', timestamp: minutes(0), context: {} };
    const group = { messageId: 'm-group', type: 'group' as const, anonymousId: 'laptop', timestamp: minutes(1), context: {} };
    expect(sessionsOf([identify, group])).toEqual([]);
    expect(sessionsOf([identify, page(2, '/app')]).map((session) => session.events)).toEqual([2]);
  });

  it('keeps a device’s latest session in step event by event, late ones placed inside it, as reading all its events would', () => {
    const campaigns = [undefined, { source: 'newsletter', medium: 'email' }, { source: 'google', medium: 'cpc' }];
    const event = fc.record({
      at: fc.integer({ min: 0, max: 120 }),
      type: fc.constantFrom('page', 'track', 'identify'),
      campaign: fc.constantFrom(...campaigns),
      path: fc.constantFrom('/', '/pricing', '/docs'),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.nat()), (drawn, picks) => {
        const events: SessionEvent[] = drawn.map((e, i) => ({
          messageId: `m-${String(i).padStart(2, '0')}`,
          type: e.type,
          anonymousId: 'laptop',
          timestamp: minutes(e.at),
          context: { ...(e.type === 'page' && { page: { url: `https://www.acme.com${e.path}`, path: e.path } }), ...(e.campaign && { campaign: e.campaign }) },
        }));
        // Arrival in any order; the session kept as the rollup keeps it, read again where it cannot tell.
        const waiting = [...events];
        const arrived: SessionEvent[] = [];
        const take = picks[Symbol.iterator]();
        let kept: OpenSession | undefined;
        while (waiting.length > 0) {
          const [next] = waiting.splice(take.next().value % waiting.length, 1);
          arrived.push(next!);
          const order = { at: Date.parse(next!.timestamp), messageId: next!.messageId };
          kept = kept && inSessionOrder(order, kept.last) > 0 ? withEvent(kept, next!) : ((kept && withLateEvent(kept, next!)) ?? latestSession(arrived));
          expect(kept).toEqual(latestSession(arrived));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
