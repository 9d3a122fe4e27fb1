import { describe, expect, it } from 'vitest';
import { exp, ln } from './math.ts';

describe('ln and exp', () => {
  it('agree with Math.log and Math.exp to the last bit or two', () => {
    for (const x of [1e-300, 1e-9, 0.001, 0.1, 0.5, 0.7071, 1, 1.5, 2, Math.E, 10, 123_456.789, 2 ** 40, 1e300]) {
      expect(Math.abs(ln(x) - Math.log(x))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(Math.log(x))));
    }
    for (const x of [-700, -20, -1, -0.5, -1e-9, 0, 1e-9, 0.3, 1, 2.5, 20, 700]) {
      expect(Math.abs(exp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThanOrEqual(4 * Number.EPSILON);
    }
  });

  it('keep the edges of their domains', () => {
    expect(ln(1)).toBe(0);
    expect(ln(0)).toBe(-Infinity);
    expect(ln(-1)).toBeNaN();
    expect(ln(Infinity)).toBe(Infinity);
    expect(exp(0)).toBe(1);
    expect(exp(1000)).toBe(Infinity);
    expect(exp(-1000)).toBe(0);
  });
});
