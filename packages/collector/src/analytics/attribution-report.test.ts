import { describe, expect, it } from 'vitest';
import { partsPerConversion } from '../journey/attribution.ts';
import { b2bStageModel, defaultStageModel, type StageModel } from '../journey/stages.ts';
import { attributionReport, conversionCredits, defaultMilestones } from './attribution-report.ts';
import { event, offline, on, owner, session } from './testing.ts';

const april = { from: on(0), to: on(30) };
const search = { channel: 'Organic Search' as const, campaign: 'seo' };
const email = { channel: 'Email' as const, campaign: 'spring' };
const paid = { channel: 'Paid Search' as const, campaign: 'brand' };

// Ann finds us by search and buys from a newsletter; Bob orders twice, and once more in May.
const ann = owner('ann', [session('a1', 1, '/', search), event('a2', 3, 'Order Completed', email)]);
const bob = owner('bob', [
  session('b1', 1, '/', paid),
  event('b2', 2, 'Order Completed', paid),
  session('b3', 10, '/', email),
  event('b4', 10, 'Order Completed', email),
  event('b5', 40, 'Order Completed', email),
]);

const sum = (credits: ReadonlyArray<{ parts: number }>) => credits.reduce((total, credit) => total + credit.parts, 0);

describe('attributionReport', () => {
  it('splits a conversion linearly over the touchpoints before it', () => {
    const report = attributionReport([ann], 'linear', { stage: 'purchase' }, april);
    expect(report).toMatchObject({ model: 'linear', conversion: { stage: 'purchase' }, conversions: 1, unattributed: 0 });
    expect(report.byChannel).toEqual([
      { key: 'Email', parts: 500_000, credit: 0.5, conversions: 1 },
      { key: 'Organic Search', parts: 500_000, credit: 0.5, conversions: 1 },
    ]);
    // Equal credit: by key.
    expect(report.byCampaign.map((row) => [row.key, row.parts])).toEqual([['seo', 500_000], ['spring', 500_000]]);
  });

  it('counts every conversion in the range, each up to its own touchpoint', () => {
    const report = attributionReport([ann, bob], 'linear', { event: 'order completed' }, april);
    // Ann 1; Bob's first order over b1, b2 and his second over b1 … b4 (May's is outside).
    expect(report.conversions).toBe(3);
    expect(report.byChannel).toEqual([
      // Bob: 500 000 + 500 000, then 250 000 + 250 000.
      { key: 'Paid Search', parts: 1_500_000, credit: 1.5, conversions: 2 },
      // Ann 500 000, Bob 250 000 + 250 000.
      { key: 'Email', parts: 1_000_000, credit: 1, conversions: 2 },
      { key: 'Organic Search', parts: 500_000, credit: 0.5, conversions: 1 },
    ]);
    // Each conversion splits evenly between sessions ("/") and orders: 1.5 conversions each.
    expect(report.byTouchpoint.map((row) => [row.key, row.parts])).toEqual([['/', 1_500_000], ['Order Completed', 1_500_000]]);
  });

  it('gives each conversion exactly one conversion of credit, whatever the model', () => {
    for (const model of ['first', 'last', 'linear', 'position', 'w_shaped', 'time_decay'] as const) {
      const credits = conversionCredits([ann, bob], model, { event: 'Order Completed' }, april);
      expect(credits).toHaveLength(3);
      for (const conversion of credits) expect(sum(conversion)).toBe(partsPerConversion);
    }
  });

  it('counts a conversion with no touchpoint before it as unattributed', () => {
    // A CRM marked them a customer before their first visit.
    const synced = owner('synced', [session('s1', 2, '/', search)], b2bStageModel, {
      lifecycle_stage: { value: 'customer', updatedAt: new Date(on(1)).toISOString() },
    });
    const report = attributionReport([synced, ann], 'linear', { stage: 'customer' }, april);
    expect(report).toMatchObject({ conversions: 1, unattributed: 1, byChannel: [] });
  });

  describe('W-shaped', () => {
    // First touch, lead (Signed Up), opportunity, then closed won: the B2B pipeline.
    const dee = owner(
      'dee',
      [
        session('d1', 1, '/', search),
        event('d2', 2, 'Signed Up', email),
        session('d3', 3, '/', paid),
        offline('d4', 5, 'opportunity_created'),
        session('d5', 6, '/', { channel: 'Direct' }),
        offline('d6', 8, 'closed_won'),
      ],
      b2bStageModel,
    );

    it('gives 30 % each to the first touch and the touchpoints that entered lead and opportunity', () => {
      const report = attributionReport([dee], 'w_shaped', { stage: 'customer' }, april, defaultMilestones(b2bStageModel));
      // The rest, d3, d5 and the closing d6, share 100 000: 33 334, 33 333, 33 333.
      expect(report.byChannel.map((row) => [row.key, row.parts])).toEqual([
        ['Offline', 333_333],
        ['Email', 300_000],
        ['Organic Search', 300_000],
        ['Paid Search', 33_334],
        ['Direct', 33_333],
      ]);
    });

    it('without milestones, gives the first touch 90 %', () => {
      const [credits] = conversionCredits([dee], 'w_shaped', { stage: 'customer' }, april);
      expect(credits!.map((credit) => credit.parts)).toEqual([900_000, 20_000, 20_000, 20_000, 20_000, 20_000]);
    });
  });
});

describe('defaultMilestones', () => {
  it('takes the stages named lead and opportunity', () => {
    expect(defaultMilestones(b2bStageModel)).toEqual({ lead: 'lead', opportunity: 'opportunity' });
  });

  it('takes the stage after the first as the lead when none is named so', () => {
    expect(defaultMilestones(defaultStageModel)).toEqual({ lead: 'consideration' });
  });

  it('has none for a one-stage model, and never the opportunity as the lead', () => {
    const stage = (id: string) => ({ id, labels: { en: id }, enteredBy: [{ kind: 'firstTouch' as const }] });
    expect(defaultMilestones({ stages: [stage('visitor')] })).toEqual({});
    const pipeline: StageModel = { stages: [stage('visitor'), stage('opportunity')] };
    expect(defaultMilestones(pipeline)).toEqual({ opportunity: 'opportunity' });
  });
});
