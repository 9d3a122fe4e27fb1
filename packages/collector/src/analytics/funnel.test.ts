import { describe, expect, it } from 'vitest';
import { b2bStageModel, defaultStageModel } from '../journey/stages.ts';
import { frictionPoints, funnel } from './funnel.ts';
import { event, offline, on, owner, session } from './testing.ts';

// April: days 0 to 30.
const april = { from: on(0), to: on(30) };

// One buys, one stalls in consideration, one only looks; a fourth was active in March only.
const buyer = owner('buyer', [session('b1', 1, '/'), session('b2', 3, '/pricing'), event('b3', 8, 'Order Completed')]);
const staller = owner('staller', [session('s1', 2, '/blog'), event('s2', 6, 'Signed Up')]);
const looker = owner('looker', [session('l1', 5, '/')]);
const march = owner('march', [session('m1', -20, '/'), session('m2', -10, '/pricing')]);

const row = (result: ReturnType<typeof funnel>, stage: string) => result.stages.find((s) => s.stage === stage)!;

describe('funnel', () => {
  const result = funnel([buyer, staller, looker, march], defaultStageModel, april);

  it('counts who was active in the range, not who was active before it', () => {
    expect(result.cohort).toBe(3);
  });

  it('counts reached per stage and the step between stages', () => {
    expect(result.stages.map((s) => [s.stage, s.reached, s.conversion, s.dropOff])).toEqual([
      ['awareness', 3, null, null],
      ['consideration', 2, 0.6667, 1],
      ['purchase', 1, 0.5, 1],
      ['loyalty', 0, 0, 1],
    ]);
  });

  it('labels stages in English', () => {
    expect(row(result, 'consideration')).toMatchObject({ label: 'Consideration', labels: { en: 'Consideration', ja: '検討' } });
  });

  it('takes the median of the days between entering one stage and the next', () => {
    // awareness → consideration: buyer 1 → 3 = 2 days, staller 2 → 6 = 4 days; median 3.
    expect(row(result, 'consideration').medianDaysFromPrevious).toBe(3);
    // consideration → purchase: buyer 3 → 8 = 5 days.
    expect(row(result, 'purchase').medianDaysFromPrevious).toBe(5);
    expect(row(result, 'loyalty').medianDaysFromPrevious).toBeNull();
    expect(row(result, 'awareness').medianDaysFromPrevious).toBeNull();
  });

  it('takes the middle value of an odd count, rounded to a tenth of a day', () => {
    const hours = (h: number) => h / 24;
    const quick = owner('quick', [session('q1', 0, '/'), session('q2', hours(6), '/pricing')]); // 0.25 days
    const slow = owner('slow', [session('w1', 0, '/'), session('w2', 10, '/pricing')]); // 10 days
    const mid = owner('mid', [session('d1', 0, '/'), session('d2', 1 + hours(2), '/docs')]); // 1.083… days
    expect(row(funnel([quick, slow, mid], defaultStageModel, april), 'consideration').medianDaysFromPrevious).toBe(1.1);
  });

  it('counts a skipped stage as reached, but not in the time between stages', () => {
    // Straight to purchase: consideration skipped on day 4.
    const direct = owner('direct', [session('d1', 1, '/'), event('d2', 4, 'Subscription Started')]);
    const result = funnel([buyer, direct], defaultStageModel, april);
    expect(row(result, 'consideration')).toMatchObject({ reached: 2, entered: 1, skipped: 1 });
    // Only the buyer entered both awareness and consideration (2 days), and both consideration and purchase (5 days).
    expect(row(result, 'consideration').medianDaysFromPrevious).toBe(2);
    expect(row(result, 'purchase')).toMatchObject({ reached: 2, entered: 2, skipped: 0, conversion: 1, dropOff: 0, medianDaysFromPrevious: 5 });
  });

  it('counts stages reached before the range, and not those reached after it', () => {
    // Considered in March, back in April, buys in May.
    const returning = owner('returning', [session('r1', -20, '/'), session('r2', -10, '/pricing'), session('r3', 5, '/'), event('r4', 40, 'Order Completed')]);
    const result = funnel([returning], defaultStageModel, april);
    expect(result.stages.map((s) => [s.stage, s.reached, s.enteredInRange])).toEqual([
      ['awareness', 1, 0],
      ['consideration', 1, 0],
      ['purchase', 0, 0],
      ['loyalty', 0, 0],
    ]);
  });

  it('counts arrivals within the range, entered or skipped', () => {
    const direct = owner('direct', [session('d1', -5, '/'), event('d2', 4, 'Subscription Started')]);
    expect(funnel([direct, buyer], defaultStageModel, april).stages.map((s) => s.enteredInRange)).toEqual([1, 2, 2, 0]);
  });

  it('gives no conversion after a stage no one reached', () => {
    // Identified by a sales call only: the B2B pipeline starts at SQL, lead and MQL skipped.
    const called = owner('called', [offline('c1', 3, 'sales_call')], b2bStageModel);
    const anonymous = owner('anonymous', [session('a1', 2, '/')], b2bStageModel);
    const result = funnel([called, anonymous], b2bStageModel, april);
    expect(result.cohort).toBe(2);
    expect(result.stages.map((s) => [s.stage, s.reached, s.skipped, s.conversion])).toEqual([
      ['lead', 1, 1, null],
      ['mql', 1, 1, 1],
      ['sql', 1, 0, 1],
      ['opportunity', 0, 0, 0],
      ['customer', 0, 0, null],
    ]);
  });

  it('is empty without anyone active', () => {
    const result = funnel([march], defaultStageModel, april);
    expect(result.cohort).toBe(0);
    expect(result.stages.map((s) => s.reached)).toEqual([0, 0, 0, 0]);
  });
});

describe('frictionPoints', () => {
  it('lists the steps with the largest drop-off first, ties in model order', () => {
    const result = funnel([buyer, staller, looker, march], defaultStageModel, april);
    expect(frictionPoints(result)).toEqual([
      { from: 'awareness', to: 'consideration', dropOff: 1, conversion: 0.6667 },
      { from: 'consideration', to: 'purchase', dropOff: 1, conversion: 0.5 },
      { from: 'purchase', to: 'loyalty', dropOff: 1, conversion: 0 },
    ]);
  });

  it('keeps the top three with a drop-off', () => {
    const lookers = ['a', 'b', 'c'].map((id) => owner(id, [session(`${id}1`, 1, '/')]));
    const result = funnel([...lookers, buyer], defaultStageModel, april);
    // 4 → 1 → 1 → 0: awareness → consideration loses 3, purchase → loyalty 1, consideration → purchase none.
    expect(frictionPoints(result)).toEqual([
      { from: 'awareness', to: 'consideration', dropOff: 3, conversion: 0.25 },
      { from: 'purchase', to: 'loyalty', dropOff: 1, conversion: 0 },
    ]);
  });
});
