import { describe, expect, it } from 'vitest';
import { batchEnvelope, event, limits } from './index.ts';

const base = { messageId: 'msg-1', anonymousId: 'anon-1' };
const issuesOf = (input: unknown) => {
  const result = event.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
};

describe('event', () => {
  it('accepts every Segment Spec type with its required field', () => {
    for (const input of [
      { ...base, type: 'page', name: 'Pricing', properties: { plan: 'pro' } },
      { ...base, type: 'track', event: 'Signed Up', properties: { plan: 'pro' } },
      { ...base, type: 'identify', userId: 'user-1', traits: { email: 'a@example.com' } },
      { ...base, type: 'group', groupId: 'acme', traits: { domain: 'acme.com' } },
      { ...base, type: 'alias', userId: 'user-1', previousId: 'anon-1' },
    ]) {
      expect(issuesOf(input), input.type).toEqual([]);
    }
  });

  it('keeps the context fields the journey needs', () => {
    const input = {
      ...base,
      type: 'page',
      originalTimestamp: '2026-01-02T03:04:05.678Z',
      sentAt: '2026-01-02T03:04:06.000+09:00',
      context: {
        page: { url: 'https://acme.com/pricing?utm_source=x', path: '/pricing', referrer: '', title: 'Pricing', search: '?utm_source=x' },
        campaign: { source: 'newsletter', medium: 'email', name: 'spring', term: 'crm', content: 'hero' },
        clickIds: { gclid: 'abc', li_fat_id: 'def' },
        userAgent: 'Mozilla/5.0',
        locale: 'ja-JP',
        timezone: 'Asia/Tokyo',
        screen: { width: 1440, height: 900, density: 2 },
        library: { name: 'journey.js', version: '0.1.0' },
        groupId: 'acme',
        sessionId: '0193a5c8-7d2e-7c1a-9f3b-2d4e6a8c0b1d',
        dropped: 3,
        app: { name: 'free-form context passes through' },
      },
    };
    const parsed = event.parse(input);
    expect(parsed).toEqual(input);
  });

  it('requires a messageId of 1 to 100 characters', () => {
    expect(issuesOf({ ...base, type: 'track', event: 'x', messageId: undefined })[0]?.path).toEqual(['messageId']);
    expect(issuesOf({ ...base, type: 'track', event: 'x', messageId: '' })[0]?.path).toEqual(['messageId']);
    expect(issuesOf({ ...base, type: 'track', event: 'x', messageId: 'm'.repeat(101) })[0]?.path).toEqual(['messageId']);
    expect(issuesOf({ ...base, type: 'track', event: 'x', messageId: 'm'.repeat(100) })).toEqual([]);
  });

  it('requires anonymousId or userId', () => {
    expect(issuesOf({ type: 'track', messageId: 'm', event: 'x' })).toEqual([
      { path: ['anonymousId'], message: 'anonymousId or userId is required' },
    ]);
    expect(issuesOf({ type: 'track', messageId: 'm', event: 'x', userId: 'u' })).toEqual([]);
  });

  it('names the required field of each type', () => {
    expect(issuesOf({ ...base, type: 'track' })[0]?.path).toEqual(['event']);
    expect(issuesOf({ ...base, type: 'group' })[0]?.path).toEqual(['groupId']);
    expect(issuesOf({ ...base, type: 'alias', userId: 'u' })[0]?.path).toEqual(['previousId']);
  });

  it('refuses unknown types with the list of known ones', () => {
    expect(issuesOf({ ...base, type: 'screen' })).toEqual([
      { path: ['type'], message: 'type must be one of page, track, identify, group, alias' },
    ]);
  });

  it('refuses placeholder identifiers wherever an id goes', () => {
    expect(issuesOf({ ...base, type: 'identify', userId: 'undefined' })).toEqual([
      { path: ['userId'], message: '"undefined" is a placeholder, not an identifier' },
    ]);
    expect(issuesOf({ messageId: 'm', type: 'page', anonymousId: ' NULL ' })[0]?.path).toEqual(['anonymousId']);
    expect(issuesOf({ ...base, type: 'group', groupId: '[object Object]' })[0]?.path).toEqual(['groupId']);
    expect(issuesOf({ ...base, type: 'alias', userId: 'u', previousId: '0' })[0]?.path).toEqual(['previousId']);
    expect(issuesOf({ ...base, type: 'page', context: { groupId: 'guest' } })[0]?.path).toEqual(['context', 'groupId']);
  });

  it('caps every string', () => {
    const long = (n: number) => 'x'.repeat(n + 1);
    expect(issuesOf({ ...base, type: 'track', event: long(limits.name) })[0]?.path).toEqual(['event']);
    expect(issuesOf({ ...base, type: 'page', userId: long(limits.identifier) })[0]?.path).toEqual(['userId']);
    expect(issuesOf({ ...base, type: 'page', context: { page: { url: long(limits.url) } } })[0]?.path).toEqual([
      'context',
      'page',
      'url',
    ]);
    expect(issuesOf({ ...base, type: 'page', context: { userAgent: long(limits.text) } })[0]?.path).toEqual([
      'context',
      'userAgent',
    ]);
    expect(issuesOf({ ...base, type: 'page', context: { locale: long(limits.tag) } })[0]?.path).toEqual(['context', 'locale']);
  });

  it('refuses timestamps that are not ISO 8601', () => {
    expect(issuesOf({ ...base, type: 'page', timestamp: 'yesterday' })).toEqual([
      { path: ['timestamp'], message: 'expected an ISO 8601 date-time' },
    ]);
    expect(issuesOf({ ...base, type: 'page', originalTimestamp: 1700000000000 })[0]?.path).toEqual(['originalTimestamp']);
    expect(issuesOf({ ...base, type: 'page', sentAt: '2026-01-02T03:04:05.123456' })).toEqual([]);
  });

  it('refuses wrong types with the path of the field', () => {
    expect(issuesOf({ ...base, type: 'track', event: 42 })[0]?.path).toEqual(['event']);
    expect(issuesOf({ ...base, type: 'track', event: 'x', properties: 'plan=pro' })[0]?.path).toEqual(['properties']);
    expect(issuesOf({ ...base, type: 'page', context: { screen: { width: 'wide' } } })[0]?.path).toEqual([
      'context',
      'screen',
      'width',
    ]);
    expect(issuesOf('not an event')[0]?.message).toMatch(/object/);
  });
});

describe('fields the Spec does not name for a type', () => {
  it('keeps them as sent, so an accepted event loses nothing', () => {
    const sent = { type: 'page', messageId: 'm-1', anonymousId: 'a-1', traits: { plan: 'team' }, _metadata: { bundled: ['Segment.io'] }, channel: 'server' };
    const parsed = event.safeParse(sent);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ traits: { plan: 'team' }, _metadata: { bundled: ['Segment.io'] }, channel: 'server' });
  });

  it('holds them to the caps of properties, naming the field', () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const parsed = event.safeParse({ type: 'track', messageId: 'm-2', anonymousId: 'a-1', event: 'Clicked', extra: deep, note: 'x'.repeat(20_000) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['extra.a.b.c.d.e', 'note']);
  });
});

describe('batchEnvelope', () => {
  it('holds at most 500 events', () => {
    const events = Array.from({ length: limits.batchEvents + 1 }, (_, i) => ({ ...base, messageId: `m${i}` }));
    expect(batchEnvelope.safeParse({ batch: events.slice(0, limits.batchEvents) }).success).toBe(true);
    const result = batchEnvelope.safeParse({ batch: events });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('a batch holds at most 500 events');
  });

  it('leaves the events themselves to be checked one by one', () => {
    expect(batchEnvelope.safeParse({ batch: [1, 'two', null] }).success).toBe(true);
    expect(batchEnvelope.safeParse({ events: [] }).success).toBe(false);
    expect(batchEnvelope.safeParse({ batch: {} }).success).toBe(false);
  });
});
