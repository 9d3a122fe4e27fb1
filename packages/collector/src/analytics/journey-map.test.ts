import { describe, expect, it } from 'vitest';
import { b2bStageModel, defaultStageModel } from '../journey/stages.ts';
import { journeyMap } from './journey-map.ts';
import { event, on, owner, session } from './testing.ts';

const april = { from: on(0), to: on(30) };
const search = { channel: 'Organic Search' as const, source: 'google', medium: 'organic' };
const email = { channel: 'Email' as const, source: 'newsletter', medium: 'email' };

// Ann reads the blog, then pricing, and signs up; she is back in May (outside the range).
const ann = owner('ann', [
  session('a1', 1, '/blog', search),
  session('a2', 3, '/pricing', search),
  event('a3', 3.5, 'Signed Up', search),
  session('a4', 40, '/', { channel: 'Direct' }),
]);
// Bob first came in March (outside the range), considers, and buys from a newsletter.
const bob = owner('bob', [
  session('b1', -5, '/', { channel: 'Paid Search' }),
  session('b2', 2, '/pricing', search),
  session('b4', 10, '/', email),
  event('b5', 10, 'Order Completed', email),
]);
// Cal lands on pricing: his first touch puts him in Consideration at once.
const cal = owner('cal', [session('c1', 5, '/pricing', search)]);

describe('journeyMap', () => {
  const map = journeyMap([ann, bob, cal], defaultStageModel, april);

  it('places each touchpoint in the stage its owner was in just after it', () => {
    expect(map.cells).toEqual([
      { stage: 'awareness', channel: 'Organic Search', touchpoints: 1, owners: 1 },
      // a2, a3, b2 and c1: three people.
      { stage: 'consideration', channel: 'Organic Search', touchpoints: 4, owners: 3 },
      // The session Bob bought in was still Consideration; the order moved him.
      { stage: 'consideration', channel: 'Email', touchpoints: 1, owners: 1 },
      { stage: 'purchase', channel: 'Email', touchpoints: 1, owners: 1 },
    ]);
  });

  it('has a column per model stage, empty ones too, with totals', () => {
    expect(map.stages).toEqual([
      { stage: 'awareness', label: 'Awareness', touchpoints: 1, owners: 1 },
      { stage: 'consideration', label: 'Consideration', touchpoints: 5, owners: 3 },
      { stage: 'purchase', label: 'Purchase', touchpoints: 1, owners: 1 },
      { stage: 'loyalty', label: 'Loyalty', touchpoints: 0, owners: 0 },
    ]);
  });

  it('has a row per channel in the range, most touchpoints first', () => {
    expect(map.channels).toEqual([
      { channel: 'Organic Search', touchpoints: 5, owners: 3 },
      { channel: 'Email', touchpoints: 2, owners: 1 },
    ]);
  });

  it('lists the most frequent touchpoints of each stage, by name and channel', () => {
    expect(map.top['consideration']).toEqual([
      { name: '/pricing', kind: 'session', channel: 'Organic Search', touchpoints: 3, owners: 3 },
      { name: '/', kind: 'session', channel: 'Email', touchpoints: 1, owners: 1 },
      { name: 'Signed Up', kind: 'event', channel: 'Organic Search', touchpoints: 1, owners: 1 },
    ]);
    expect(map.top['purchase']).toEqual([{ name: 'Order Completed', kind: 'event', channel: 'Email', touchpoints: 1, owners: 1 }]);
    expect(map.top['loyalty']).toEqual([]);
    expect(journeyMap([ann, bob, cal], defaultStageModel, april, { top: 2 }).top['consideration']!.map((t) => t.name)).toEqual(['/pricing', '/']);
  });

  it('tells the same name through two channels apart', () => {
    const dan = owner('dan', [session('d1', 1, '/', search), session('d2', 2, '/pricing', email)]);
    expect(journeyMap([cal, dan], defaultStageModel, april).top['consideration']).toEqual([
      { name: '/pricing', kind: 'session', channel: 'Email', touchpoints: 1, owners: 1 },
      { name: '/pricing', kind: 'session', channel: 'Organic Search', touchpoints: 1, owners: 1 },
    ]);
  });

  it('puts what happened before any stage in a first "none" column', () => {
    // In the B2B pipeline the anonymous visits are in no stage.
    const dee = owner('dee', [session('d1', 1, '/', search), event('d2', 2, 'Signed Up', search), session('d3', 4, '/', email)], b2bStageModel);
    const eve = owner('eve', [session('e1', 3, '/', { channel: 'Paid Search' })], b2bStageModel);
    const map = journeyMap([dee, eve], b2bStageModel, april);
    expect(map.stages.map((s) => [s.stage, s.touchpoints, s.owners])).toEqual([
      ['none', 2, 2],
      ['lead', 2, 1],
      ['mql', 0, 0],
      ['sql', 0, 0],
      ['opportunity', 0, 0],
      ['customer', 0, 0],
    ]);
    expect(map.cells.map((c) => `${c.stage} ${c.channel} ${c.touchpoints}`)).toEqual([
      'none Organic Search 1',
      'none Paid Search 1',
      'lead Email 1',
      'lead Organic Search 1',
    ]);
    expect(map.top['none']!.map((t) => t.channel)).toEqual(['Organic Search', 'Paid Search']);
  });

  it('has no "none" column when everything is in a stage', () => {
    expect(map.stages[0]!.stage).toBe('awareness');
    expect(Object.keys(map.top)).toEqual(['awareness', 'consideration', 'purchase', 'loyalty']);
  });

  it('counts a person and an account with the same id as two', () => {
    const account = { ...cal, kind: 'account' as const };
    expect(journeyMap([cal, account], defaultStageModel, april).stages[1]).toMatchObject({ touchpoints: 2, owners: 2 });
  });
});
