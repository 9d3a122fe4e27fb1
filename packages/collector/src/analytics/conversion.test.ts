import { describe, expect, it } from 'vitest';
import { b2bStageModel } from '../journey/stages.ts';
import { conversionName, conversionsOf, journeyTo } from './conversion.ts';
import { event, offline, on, owner, session } from './testing.ts';

const april = { from: on(0), to: on(30) };

// Two orders in April, one in May; the first order also entered Purchase.
const buyer = owner('buyer', [
  session('s1', 1, '/'),
  event('o1', 4, 'Order Completed'),
  session('s2', 10, '/'),
  event('o2', 12, 'order completed'),
  event('o3', 40, 'Order Completed'),
]);

describe('conversionsOf', () => {
  it('converts on a stage once, when it was reached, at the touchpoint that did it', () => {
    expect(conversionsOf(buyer, { stage: 'purchase' }, april)).toEqual([{ at: on(4), touchpointIndex: 1 }]);
    // Loyalty: the second order.
    expect(conversionsOf(buyer, { stage: 'loyalty' }, april)).toEqual([{ at: on(12), touchpointIndex: 3 }]);
  });

  it('converts on a skipped stage: it was reached on the way past', () => {
    expect(buyer.history.stages.find((entry) => entry.stage === 'consideration')?.status).toBe('skipped');
    expect(conversionsOf(buyer, { stage: 'consideration' }, april)).toEqual([{ at: on(4), touchpointIndex: 1 }]);
  });

  it('converts on an event every time it happened in the range, in any case', () => {
    expect(conversionsOf(buyer, { event: 'ORDER COMPLETED' }, april)).toEqual([
      { at: on(4), touchpointIndex: 1 },
      { at: on(12), touchpointIndex: 3 },
    ]);
  });

  it('counts only events: an imported touchpoint or a page of that name is not one', () => {
    const other = owner('other', [session('s1', 1, '/Order Completed'), offline('c1', 2, 'Order Completed')]);
    expect(conversionsOf(other, { event: 'Order Completed' }, april)).toEqual([]);
  });

  it('leaves out a stage reached outside the range', () => {
    expect(conversionsOf(buyer, { stage: 'purchase' }, { from: on(5), to: on(30) })).toEqual([]);
    expect(conversionsOf(buyer, { stage: 'purchase' }, { from: on(0), to: on(4) })).toEqual([]);
    expect(conversionsOf(buyer, { stage: 'no-such-stage' }, april)).toEqual([]);
  });

  it('has no touchpoint for a stage a trait entered', () => {
    const synced = owner('synced', [session('s1', 1, '/')], b2bStageModel, {
      lifecycle_stage: { value: 'customer', updatedAt: new Date(on(5)).toISOString() },
    });
    expect(conversionsOf(synced, { stage: 'customer' }, april)).toEqual([{ at: on(5), touchpointIndex: null }]);
  });
});

describe('journeyTo', () => {
  it('goes up to the converting touchpoint, not what followed it in the same moment', () => {
    const same = owner('same', [session('s1', 1, '/'), event('o1', 2, 'Order Completed'), event('x9', 2, 'Referral Sent')]);
    expect(journeyTo(same, { at: on(2), touchpointIndex: 1 }).map((t) => t.id)).toEqual(['s1', 'o1']);
  });

  it('goes up to the time without a converting touchpoint', () => {
    expect(journeyTo(buyer, { at: on(10), touchpointIndex: null }).map((t) => t.id)).toEqual(['s1', 'o1', 's2']);
  });
});

it('names a conversion by its stage or event', () => {
  expect([conversionName({ stage: 'purchase' }), conversionName({ event: 'Signed Up' })]).toEqual(['purchase', 'Signed Up']);
});
