import { describe, expect, it } from 'vitest';
import { touchpointsOf, type JourneyEvent } from './touchpoints.ts';

const day = Date.UTC(2026, 3, 1, 9);
const at = (minutes: number) => new Date(day + minutes * 60_000).toISOString();

const page = (id: string, minutes: number, path: string, context: Partial<NonNullable<JourneyEvent['context']>> = {}): JourneyEvent => ({
  messageId: id,
  type: 'page',
  anonymousId: 'laptop',
  timestamp: at(minutes),
  context: { page: { url: `https://www.acme.com${path}`, path }, ...context },
});
const track = (id: string, minutes: number, event: string, properties?: Record<string, unknown>): JourneyEvent => ({
  messageId: id,
  type: 'track',
  anonymousId: 'laptop',
  timestamp: at(minutes),
  event,
  ...(properties && { properties }),
  context: { page: { url: 'https://www.acme.com/signup', path: '/signup' } },
});

describe('touchpoints', () => {
  it("are each session's entry and each key event, credited to the session it happened in", () => {
    const events = [
      page('a1', 0, '/', { page: { url: 'https://www.acme.com/', path: '/', referrer: 'https://www.bing.com/' } }),
      page('a2', 2, '/pricing'),
      track('a3', 3, 'Button Clicked'), // not a key event
      page('b1', 60, '/signup', { campaign: { source: 'newsletter', medium: 'email', name: 'spring' } }),
      track('b2', 61, 'Signed Up', { plan: 'team' }),
      track('b3', 62, 'order completed', { revenue: 99 }), // key events match whatever the case
    ];
    const { sessions, touchpoints } = touchpointsOf(events, { personOf: () => 'person-1' });
    expect(sessions).toHaveLength(2);
    expect(touchpoints.map(({ id, kind, name, channel, campaign, path, properties, personId }) => ({ id, kind, name, channel, campaign, path, properties, personId }))).toEqual([
      { id: 'session:a1', kind: 'session', name: '/', channel: 'Organic Search', campaign: '(not set)', path: '/', properties: undefined, personId: 'person-1' },
      { id: 'session:b1', kind: 'session', name: '/signup', channel: 'Email', campaign: 'spring', path: '/signup', properties: undefined, personId: 'person-1' },
      { id: 'b2', kind: 'event', name: 'Signed Up', channel: 'Email', campaign: 'spring', path: '/signup', properties: { plan: 'team' }, personId: 'person-1' },
      { id: 'b3', kind: 'event', name: 'order completed', channel: 'Email', campaign: 'spring', path: '/signup', properties: { revenue: 99 }, personId: 'person-1' },
    ]);
  });

  it('takes the key events it is given, and puts a session entry before an event at the same moment', () => {
    const events = [track('x2', 0, 'Button Clicked'), page('x1', 0, '/')];
    const { touchpoints } = touchpointsOf(events, { keyEvents: ['Button Clicked'] });
    expect(touchpoints.map((touchpoint) => [touchpoint.kind, touchpoint.id])).toEqual([
      ['session', 'session:x1'],
      ['event', 'x2'],
    ]);
  });

  it("counts a server's key event, sent with only a user id, in no channel", () => {
    const renewal: JourneyEvent = { messageId: 'r-1', type: 'track', userId: 'u-1', timestamp: at(0), event: 'Subscription Renewed' };
    const { sessions, touchpoints } = touchpointsOf([renewal]);
    expect(sessions).toEqual([]);
    expect(touchpoints).toMatchObject([{ id: 'r-1', kind: 'event', name: 'Subscription Renewed', channel: 'Unassigned', source: '(not set)' }]);
  });
});
