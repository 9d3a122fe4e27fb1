import { describe, expect, it } from 'vitest';
import { activeIn, indexesIn } from './owner.ts';

describe('the touchpoints of an owner in a date range', () => {
  const touchpoints = [10, 20, 20, 30, 40].map((at) => ({ at }));
  const slow = (from: number, to: number) => {
    const inside = touchpoints.flatMap((touchpoint, index) => (touchpoint.at >= from && touchpoint.at < to ? [index] : []));
    return inside.length === 0 ? null : [inside[0]!, inside.at(-1)! + 1];
  };

  it('finds the same touchpoints as reading each one, for every range over them', () => {
    for (let from = 0; from <= 50; from += 5) {
      for (let to = 0; to <= 50; to += 5) {
        const [start, end] = indexesIn(touchpoints, { from, to });
        expect(start < end ? [start, end] : null, `[${from}, ${to})`).toEqual(slow(from, to));
        expect(activeIn({ touchpoints: touchpoints as never }, { from, to })).toBe(slow(from, to) !== null);
      }
    }
  });

  it('is half-open and knows no touchpoints at all', () => {
    expect(indexesIn(touchpoints, { from: 20, to: 30 })).toEqual([1, 3]);
    expect(indexesIn(touchpoints, { from: 40, to: 41 })).toEqual([4, 5]);
    expect(indexesIn([], { from: 0, to: 100 })).toEqual([0, 0]);
  });
});
