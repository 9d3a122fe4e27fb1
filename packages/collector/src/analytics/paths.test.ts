import { describe, expect, it } from 'vitest';
import { b2bStageModel } from '../journey/stages.ts';
import { paths } from './paths.ts';
import { event, offline, on, owner, session } from './testing.ts';

const april = { from: on(0), to: on(30) };
const search = { channel: 'Organic Search' as const };
const email = { channel: 'Email' as const };
const paid = { channel: 'Paid Search' as const };

// Two search-then-newsletter buyers, and one who came from an ad.
const ann = owner('ann', [session('a1', 1, '/blog', search), session('a2', 2, '/pricing', search), session('a3', 3, '/', email), event('a4', 3, 'Order Completed', email)]);
const bea = owner('bea', [session('b1', 2, '/docs', search), session('b2', 5, '/pricing', search), session('b3', 6, '/', email), event('b4', 6, 'Order Completed', email)]);
const cid = owner('cid', [session('c1', 1, '/', paid), session('c2', 4, '/pricing', search), event('c3', 4, 'Order Completed', search)]);
// Buys in May, and never buys: neither converted in April.
const may = owner('may', [session('m1', 1, '/', paid), event('m2', 40, 'Order Completed', paid)]);
const never = owner('never', [session('n1', 1, '/pricing', search)]);

describe('paths', () => {
  const result = paths([ann, bea, cid, may, never], { stage: 'purchase' }, april);

  it('counts the owners who converted in the range', () => {
    expect(result.conversions).toBe(3);
  });

  it('groups the channels of the way there, repeats in a row once, the converting event left out', () => {
    expect(result.channels).toEqual([
      // Organic Search twice, then Email; the order came through Email too, but is not a step of the way.
      { path: ['Organic Search', 'Email'], truncated: false, conversions: 2, share: 0.6667 },
      { path: ['Paid Search', 'Organic Search'], truncated: false, conversions: 1, share: 0.3333 },
    ]);
  });

  it('groups the pages people landed on', () => {
    expect(result.pages.map((p) => [p.path.join(' '), p.conversions])).toEqual([
      ['/ /pricing', 1],
      ['/blog /pricing /', 1],
      ['/docs /pricing /', 1],
    ]);
  });

  it('keeps the last steps, and marks a path that was cut', () => {
    const cut = paths([ann, bea, cid], { stage: 'purchase' }, april, { steps: 2 });
    // Ann's and Bea's three pages end the same way.
    expect(cut.pages).toEqual([
      { path: ['/pricing', '/'], truncated: true, conversions: 2, share: 0.6667 },
      { path: ['/', '/pricing'], truncated: false, conversions: 1, share: 0.3333 },
    ]);
    // Collapsed first, then cut: Organic Search, Organic Search, Email is two steps, not cut.
    expect(cut.channels[0]).toEqual({ path: ['Organic Search', 'Email'], truncated: false, conversions: 2, share: 0.6667 });
  });

  it('tells a cut path from a whole one with the same steps', () => {
    const short = owner('short', [session('s1', 1, '/pricing', search), session('s2', 2, '/', email), event('s3', 2, 'Order Completed', email)]);
    const cut = paths([ann, short], { stage: 'purchase' }, april, { steps: 2 });
    expect(cut.pages.map((p) => [p.path.join(' '), p.truncated])).toEqual([
      ['/pricing /', false],
      ['/pricing /', true],
    ]);
  });

  it('follows the way to the first conversion in the range only', () => {
    const repeat = owner('repeat', [session('r1', 1, '/', { channel: 'Direct' }), event('r2', 2, 'Order Completed'), session('r3', 10, '/', email), event('r4', 10, 'Order Completed', email)]);
    const result = paths([repeat], { event: 'order completed' }, april);
    expect(result.conversions).toBe(1);
    expect(result.channels).toEqual([{ path: ['Direct'], truncated: false, conversions: 1, share: 1 }]);
    // From May on, the second order is the first in the range, and the way to it includes April.
    const later = paths([repeat], { event: 'Order Completed' }, { from: on(5), to: on(30) });
    expect(later.channels[0]!.path).toEqual(['Direct', 'Email']);
  });

  it('keeps a converting session: the landing that entered the stage is the last step', () => {
    // Consideration: entered by landing on /pricing.
    expect(paths([ann], { stage: 'consideration' }, april).pages[0]!.path).toEqual(['/blog', '/pricing']);
  });

  it('leaves out a converting imported touchpoint', () => {
    const won = owner('won', [session('w1', 1, '/', search), offline('w2', 3, 'closed_won')]);
    expect(paths([won], { stage: 'purchase' }, april).channels[0]!.path).toEqual(['Organic Search']);
  });

  it('goes up to the time when a trait converted', () => {
    const synced = owner('synced', [session('s1', 1, '/', search), session('s2', 6, '/pricing', email)], b2bStageModel, {
      lifecycle_stage: { value: 'customer', updatedAt: new Date(on(5)).toISOString() },
    });
    const result = paths([synced], { stage: 'customer' }, april);
    expect(result.channels[0]!.path).toEqual(['Organic Search']);
    expect(result.pages[0]!.path).toEqual(['/']);
  });

  it('counts converting with nothing before as the empty path', () => {
    const direct = owner('direct', [event('d1', 1, 'Order Completed')]);
    expect(paths([direct, cid], { event: 'Order Completed' }, april).channels).toEqual([
      { path: [], truncated: false, conversions: 1, share: 0.5 },
      { path: ['Paid Search', 'Organic Search'], truncated: false, conversions: 1, share: 0.5 },
    ]);
  });

  it('keeps the top paths', () => {
    expect(paths([ann, bea, cid], { stage: 'purchase' }, april, { top: 1 }).pages).toHaveLength(1);
  });
});
