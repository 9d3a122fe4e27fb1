import { describe, expect, it } from 'vitest';
import type { Channel } from '../channels/channels.ts';
import {
  attribute,
  attributionModels,
  partsPerConversion,
  summarize,
  type AttributionModel,
  type Conversion,
} from './attribution.ts';
import type { Touchpoint } from './touchpoint.ts';

const day = 24 * 60 * 60 * 1000;
const convertedAt = Date.UTC(2025, 5, 30);

function touch(id: string, daysBefore: number, more: Partial<Touchpoint> = {}): Touchpoint {
  return {
    id,
    kind: 'session',
    at: convertedAt - daysBefore * day,
    name: `/${id}`,
    channel: 'Direct',
    source: '(direct)',
    medium: '(none)',
    campaign: '(not set)',
    ...more,
  };
}

/** n touchpoints a day apart, t0 the earliest. */
function journey(n: number): Touchpoint[] {
  return Array.from({ length: n }, (_, i) => touch(`t${i}`, n - i));
}

const purchase: Conversion = { at: convertedAt, name: 'purchase' };

/** Parts per touchpoint, in journey order. */
function parts(model: AttributionModel, touchpoints: Touchpoint[], conversion: Conversion = purchase): number[] {
  return attribute(model, conversion, touchpoints).map((c) => c.parts);
}

describe('single-touch models', () => {
  it('first touch gets everything', () => {
    expect(parts('first', journey(3))).toEqual([1_000_000, 0, 0]);
  });

  it('last touch gets everything', () => {
    expect(parts('last', journey(3))).toEqual([0, 0, 1_000_000]);
  });

  it('first and last mean earliest and latest, whatever order the touchpoints came in', () => {
    const [a, b, c] = journey(3) as [Touchpoint, Touchpoint, Touchpoint];
    const credits = attribute('first', purchase, [c, a, b]);
    expect(credits.map((x) => [x.touchpoint.id, x.parts])).toEqual([['t0', 1_000_000], ['t1', 0], ['t2', 0]]);
  });
});

describe('linear', () => {
  it('splits evenly, the odd part to the earliest', () => {
    // 1 000 000 / 3 = 333 333 r 1
    expect(parts('linear', journey(3))).toEqual([333_334, 333_333, 333_333]);
    // 1 000 000 / 7 = 142 857 r 1
    expect(parts('linear', journey(7))).toEqual([142_858, 142_857, 142_857, 142_857, 142_857, 142_857, 142_857]);
    // 1 000 000 / 11 = 90 909 r 1
    expect(parts('linear', journey(11))).toEqual([90_910, ...Array<number>(10).fill(90_909)]);
    // 1 000 000 / 1000 = 1000 r 0
    expect(parts('linear', journey(1000))).toEqual(Array<number>(1000).fill(1000));
  });
});

describe('position (40/20/40)', () => {
  it('gives 40 % to first and last and 20 % to the one between', () => {
    expect(parts('position', journey(3))).toEqual([400_000, 200_000, 400_000]);
  });

  it('spreads the 20 % over the middle', () => {
    // 200 000 / 3 = 66 666 r 2: the two earliest middle touchpoints get one part more.
    expect(parts('position', journey(5))).toEqual([400_000, 66_667, 66_667, 66_666, 400_000]);
  });

  it('splits two touchpoints 50/50', () => {
    expect(parts('position', journey(2))).toEqual([500_000, 500_000]);
  });
});

describe('W-shaped (30/30/30 + 10)', () => {
  const five = journey(5); // t0 … t4

  it('gives 30 % each to first touch, lead and opportunity creation, 10 % to the rest', () => {
    const conversion = { ...purchase, leadCreatedBy: 't2', opportunityCreatedBy: 't3' };
    // rest t1, t4: 100 000 / 2 = 50 000
    expect(parts('w_shaped', five, conversion)).toEqual([300_000, 50_000, 300_000, 300_000, 50_000]);
  });

  it('splits the 10 % by largest remainder', () => {
    const conversion = { ...purchase, leadCreatedBy: 't2', opportunityCreatedBy: 't4' };
    // rest t1, t3, t5: 100 000 / 3 = 33 333 r 1
    expect(parts('w_shaped', journey(6), conversion)).toEqual([300_000, 33_334, 300_000, 33_333, 300_000, 33_333]);
  });

  it('without an opportunity, first touch and lead creation share the 90 %', () => {
    const conversion = { ...purchase, leadCreatedBy: 't2' };
    // 900 000 / 2 = 450 000; rest t1, t3, t4: 100 000 / 3 = 33 333 r 1
    expect(parts('w_shaped', five, conversion)).toEqual([450_000, 33_334, 450_000, 33_333, 33_333]);
  });

  it('without a lead, first touch and opportunity creation share the 90 %', () => {
    const conversion = { ...purchase, opportunityCreatedBy: 't4' };
    // rest t1, t2, t3: 33 334, 33 333, 33 333
    expect(parts('w_shaped', five, conversion)).toEqual([450_000, 33_334, 33_333, 33_333, 450_000]);
  });

  it('with neither, first touch takes the 90 %', () => {
    // rest t1 … t4: 100 000 / 4 = 25 000
    expect(parts('w_shaped', five)).toEqual([900_000, 25_000, 25_000, 25_000, 25_000]);
  });

  it('treats a creation outside the counted journey as missing', () => {
    const after = touch('late', -1);
    const conversion = { ...purchase, leadCreatedBy: 'late', opportunityCreatedBy: 'unknown' };
    expect(parts('w_shaped', [...journey(3), after], conversion)).toEqual([900_000, 50_000, 50_000]);
  });

  it('gives a touchpoint that reached two milestones both shares', () => {
    // First touch created the lead: 30 + 30 = 60 %; opportunity t2 30 %; rest t1, t3, t4: 33 334, 33 333, 33 333
    const conversion = { ...purchase, leadCreatedBy: 't0', opportunityCreatedBy: 't2' };
    expect(parts('w_shaped', five, conversion)).toEqual([600_000, 33_334, 300_000, 33_333, 33_333]);
  });

  it('gives a touchpoint that created lead and opportunity both shares', () => {
    const conversion = { ...purchase, leadCreatedBy: 't3', opportunityCreatedBy: 't3' };
    // rest t1, t2, t4: 33 334, 33 333, 33 333
    expect(parts('w_shaped', five, conversion)).toEqual([300_000, 33_334, 33_333, 600_000, 33_333]);
  });

  it('with no rest, the milestones share the whole', () => {
    const three = journey(3);
    expect(parts('w_shaped', three, { ...purchase, leadCreatedBy: 't1', opportunityCreatedBy: 't2' })).toEqual([
      333_334, 333_333, 333_333,
    ]);
    expect(parts('w_shaped', journey(2), { ...purchase, leadCreatedBy: 't1' })).toEqual([500_000, 500_000]);
    // t1 holds two of three milestones: 1/3 and 2/3 = 333 333.3 and 666 666.7, the odd part to the larger fraction.
    expect(parts('w_shaped', journey(2), { ...purchase, leadCreatedBy: 't1', opportunityCreatedBy: 't1' })).toEqual([
      333_333, 666_667,
    ]);
  });
});

describe('time decay (7-day half-life)', () => {
  it('halves the weight for each week before the conversion', () => {
    // weights 1/4, 1/2, 1 → 1/7, 2/7, 4/7 = 142 857.1, 285 714.3, 571 428.6; the odd part to .6
    const touchpoints = [touch('a', 14), touch('b', 7), touch('c', 0)];
    expect(parts('time_decay', touchpoints)).toEqual([142_857, 285_714, 571_429]);
  });

  it('weighs a gap of one week 1 : 2 wherever the week lies', () => {
    // 3 and 10 days before: weights 2^(-3/7) and 2^(-10/7) → the ratio is 2^-1 → 2/3 and 1/3
    expect(parts('time_decay', [touch('a', 10), touch('b', 3)])).toEqual([333_333, 666_667]);
  });

  it('splits touchpoints at the same time evenly', () => {
    const touchpoints = [touch('a', 2), touch('b', 2), touch('c', 2)];
    expect(parts('time_decay', touchpoints)).toEqual([333_334, 333_333, 333_333]);
  });

  it('still credits a journey decades old', () => {
    // 30 years ≈ 1565 half-lives: 2^-1565 underflows to 0, so weights from the conversion would be 0/0.
    const touchpoints = [touch('a', 30 * 365 + 7), touch('b', 30 * 365)];
    expect(parts('time_decay', touchpoints)).toEqual([333_333, 666_667]);
  });
});

describe('every model', () => {
  it.each(attributionModels)('%s gives a single touchpoint 100 %%', (model) => {
    const conversion = { ...purchase, leadCreatedBy: 't0', opportunityCreatedBy: 't0' };
    expect(parts(model, journey(1), conversion)).toEqual([1_000_000]);
  });

  it.each(attributionModels)('%s leaves out touchpoints after the conversion', (model) => {
    const touchpoints = [touch('before', 1), touch('at', 0), touch('after', -1)];
    const credits = attribute(model, purchase, touchpoints);
    expect(credits.map((c) => c.touchpoint.id)).toEqual(['before', 'at']);
    expect(credits[0]!.parts + credits[1]!.parts).toBe(partsPerConversion);
  });

  it.each(attributionModels)('%s gives a conversion with no touchpoint before it no credit', (model) => {
    expect(attribute(model, purchase, [])).toEqual([]);
    expect(attribute(model, purchase, [touch('after', -1)])).toEqual([]);
  });

  // Awkward counts, and irregular gaps (hours to weeks) so time decay's weights are far from round.
  const counts = [1, 2, 3, 7, 11, 1000];
  const cases = attributionModels.flatMap((model) => counts.map((n) => [model, n] as const));
  it.each(cases)('%s over %i touchpoints sums to exactly one conversion', (model, n) => {
    const touchpoints = Array.from({ length: n }, (_, i) => touch(`t${i}`, ((n - i) * 37) % 23 + (n - i) / 7));
    const conversion = { ...purchase, leadCreatedBy: `t${Math.floor(n / 3)}`, opportunityCreatedBy: `t${Math.floor(n / 2)}` };
    const credits = attribute(model, conversion, touchpoints);
    expect(credits).toHaveLength(n);
    for (const { parts } of credits) expect(Number.isInteger(parts) && parts >= 0).toBe(true);
    expect(credits.reduce((sum, c) => sum + c.parts, 0)).toBe(1_000_000);
  });
});

describe('summarize', () => {
  const tp = (id: string, daysBefore: number, channel: Channel, campaign: string, name: string) =>
    touch(id, daysBefore, { channel, campaign, name });
  const newsletter = tp('a', 3, 'Email', 'spring', '/blog');
  const search = tp('b', 2, 'Paid Search', 'brand', '/pricing');
  const webinar = tp('c', 1, 'Email', 'webinar', 'Demo Requested');

  it('sums credit by channel, campaign and touchpoint, with conversions counted', () => {
    const summary = summarize([
      attribute('linear', purchase, [newsletter, search]), // a 500 000, b 500 000
      attribute('linear', purchase, [newsletter, search, webinar]), // a 333 334, b 333 333, c 333 333
      attribute('linear', purchase, []), // unattributed
      attribute('linear', purchase, [webinar]), // c 1 000 000
    ]);
    expect(summary.conversions).toBe(4);
    expect(summary.unattributed).toBe(1);
    // Email: 500 000 + 333 334 + 333 333 + 1 000 000; Paid Search: 500 000 + 333 333. The second
    // conversion touched Email twice but counts once.
    expect(summary.byChannel).toEqual([
      { key: 'Email', parts: 2_166_667, credit: 2.166667, conversions: 3 },
      { key: 'Paid Search', parts: 833_333, credit: 0.833333, conversions: 2 },
    ]);
    // webinar: 333 333 + 1 000 000; spring: 500 000 + 333 334; brand: 500 000 + 333 333
    expect(summary.byCampaign).toEqual([
      { key: 'webinar', parts: 1_333_333, credit: 1.333333, conversions: 2 },
      { key: 'spring', parts: 833_334, credit: 0.833334, conversions: 2 },
      { key: 'brand', parts: 833_333, credit: 0.833333, conversions: 2 },
    ]);
    expect(summary.byTouchpoint).toEqual([
      { key: 'Demo Requested', parts: 1_333_333, credit: 1.333333, conversions: 2 },
      { key: '/blog', parts: 833_334, credit: 0.833334, conversions: 2 },
      { key: '/pricing', parts: 833_333, credit: 0.833333, conversions: 2 },
    ]);
  });

  it('leaves out what earned no credit', () => {
    const summary = summarize([attribute('first', purchase, [newsletter, search])]);
    expect(summary.byChannel).toEqual([{ key: 'Email', parts: 1_000_000, credit: 1, conversions: 1 }]);
  });

  it('keeps credit exact over many conversions', () => {
    // 3000 conversions of three touchpoints, one per channel: each channel sums 333 334, 333 333
    // or 333 333 a conversion; in floats, 1/3 summed three thousand times gives 1000.0000000000438.
    const channels: Channel[] = ['Email', 'Referral', 'Organic Search'];
    const three = channels.map((channel, i) => touch(`t${i}`, 3 - i, { channel }));
    const summary = summarize(Array.from({ length: 3000 }, () => attribute('linear', purchase, three)));
    expect(summary.byChannel.map((r) => [r.key, r.parts])).toEqual([
      ['Email', 1_000_002_000],
      ['Organic Search', 999_999_000],
      ['Referral', 999_999_000],
    ]);
    expect(summary.byChannel.reduce((sum, r) => sum + r.parts, 0)).toBe(3000 * partsPerConversion);
  });
});
