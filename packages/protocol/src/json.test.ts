import { describe, expect, it } from 'vitest';
import { jsonIssues, limits } from './index.ts';

const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { level: nest(levels - 1) });

describe('jsonIssues', () => {
  it('accepts JSON within the caps', () => {
    expect(jsonIssues({ plan: 'pro', seats: 5, trial: false, tags: ['a', 'b'], owner: null })).toEqual([]);
    expect(jsonIssues(nest(limits.jsonDepth))).toEqual([]);
  });

  it('names the key that nests too deep', () => {
    const issues = jsonIssues(nest(limits.jsonDepth + 1));
    expect(issues).toEqual([{ path: ['level', 'level', 'level', 'level', 'level'], message: 'nested deeper than 5 levels' }]);
  });

  it('counts arrays as levels too', () => {
    expect(jsonIssues({ a: [[[[['deep']]]]] })).toHaveLength(1);
  });

  it('caps strings, keys and entries', () => {
    expect(jsonIssues({ s: 'x'.repeat(limits.jsonString + 1) })[0]?.message).toMatch(/string longer/);
    expect(jsonIssues({ ['k'.repeat(limits.jsonKey + 1)]: 1 })[0]?.message).toMatch(/key longer/);
    const wide = Object.fromEntries(Array.from({ length: limits.jsonEntries + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonIssues(wide)).toEqual([{ path: [], message: 'more than 256 keys' }]);
    expect(jsonIssues({ list: new Array(limits.jsonEntries + 1).fill(0) })).toEqual([
      { path: ['list'], message: 'more than 256 items' },
    ]);
  });

  it('refuses what JSON cannot carry', () => {
    expect(jsonIssues({ n: Number.NaN })).toEqual([{ path: ['n'], message: 'number must be finite' }]);
    expect(jsonIssues({ f: () => 1 })).toEqual([{ path: ['f'], message: 'function is not a JSON value' }]);
  });
});
