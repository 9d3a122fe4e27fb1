import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';
import { scrambled, uuid7 } from './ids.ts';

const draws = (random: ReturnType<typeof createRandom>, count = 5) => Array.from({ length: count }, () => random.next());

describe('createRandom', () => {
  it('gives the same numbers for the same keys, and others for other keys', () => {
    expect(draws(createRandom(1, 'unit', 7))).toEqual(draws(createRandom(1, 'unit', 7)));
    expect(draws(createRandom(1, 'unit', 7))).not.toEqual(draws(createRandom(1, 'unit', 8)));
    expect(draws(createRandom(1, 'unit', 7))).not.toEqual(draws(createRandom(2, 'unit', 7)));
    expect(draws(createRandom('seed'))).not.toEqual(draws(createRandom('seee')));
  });

  it('forks by keys alone, whatever was drawn before', () => {
    const fresh = createRandom(1, 'unit');
    const used = createRandom(1, 'unit');
    draws(used, 100);
    expect(draws(fresh.fork('visit', 3))).toEqual(draws(used.fork('visit', 3)));
    expect(draws(fresh.fork('visit', 3))).toEqual(draws(createRandom(1, 'unit', 'visit', 3)));
  });

  it('draws within its ranges', () => {
    const random = createRandom(42);
    const floats = draws(random, 10_000);
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(floats.reduce((a, b) => a + b) / floats.length).toBeCloseTo(0.5, 1);
    const ints = Array.from({ length: 1000 }, () => random.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    const medians = Array.from({ length: 4001 }, () => random.logNormal(10, 1)).sort((a, b) => a - b);
    expect(medians[2000]).toBeGreaterThan(9);
    expect(medians[2000]).toBeLessThan(11);
    expect(random.hex(13)).toMatch(/^[0-9a-f]{13}$/);
  });

  it('picks by weight', () => {
    const random = createRandom(3);
    const picks = Array.from({ length: 10_000 }, () => random.weighted([['a', 3], ['b', 1], ['never', 0]] as const));
    expect(picks.filter((pick) => pick === 'a').length / picks.length).toBeCloseTo(0.75, 1);
    expect(picks).not.toContain('never');
  });
});

describe('ids', () => {
  it('makes UUIDv7s that start with their millisecond', () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const id = uuid7(at, createRandom(1));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('scrambles indexes without collisions', () => {
    const ids = new Set(Array.from({ length: 100_000 }, (_, index) => scrambled(index, 1, 'user')));
    expect(ids.size).toBe(100_000);
  });
});
