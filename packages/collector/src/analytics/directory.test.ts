import { describe, expect, it } from 'vitest';
import { accountDirectory, personDirectory } from './directory.ts';
import type { StagedOwner } from './owner.ts';
import type { StagedOwners } from './site-journeys.ts';

const day = 86_400_000;
const t0 = Date.UTC(2026, 2, 1);

/** An owner with touchpoints on these days and channels, in this stage. */
function owner(kind: 'person' | 'account', id: string, stage: string | null, touches: Array<[number, string]>): StagedOwner {
  const touchpoints = touches.map(([days, channel], index) => ({ id: `${id}-${index}`, kind: 'session', name: '/', channel, source: '', medium: '', campaign: '', at: t0 + days * day }));
  return { kind, id, touchpoints, history: { current: stage, stages: [], transitions: [] }, stages: touchpoints.map(() => stage) } as unknown as StagedOwner;
}

const owners: StagedOwners = {
  people: [
    owner('person', 'p_ann', 'purchase', [[1, 'Paid Search'], [5, 'Email'], [9, 'Email']]),
    owner('person', 'p_ben', 'awareness', [[2, 'Direct'], [9, 'Direct']]),
    owner('person', 'p_cleo', 'consideration', [[3, 'Organic Social']]),
    owner('person', 'p_dan', 'awareness', [[12, 'Referral']]),
  ],
  accounts: [owner('account', 'globex', 'awareness', [[4, 'Direct']]), owner('account', 'northwind', 'purchase', [[1, 'Paid Search'], [9, 'Email']])],
  accountTraits: new Map<string, Record<string, string>>([
    ['northwind', { name: 'Northwind Traders', domain: 'northwind.io' }],
    ['globex', { name: 'Globex' }],
  ]),
  accountOfPerson: { p_ann: 'northwind', p_ben: 'northwind' },
};

describe('the people and accounts lists', () => {
  it('lists people most recently active first, ties by id, a page at a time, with their touches, channels and account', () => {
    const all = personDirectory(owners, { limit: 10, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.rows.map((row) => row.id)).toEqual(['p_dan', 'p_ann', 'p_ben', 'p_cleo']);
    expect(all.rows[1]).toEqual({
      id: 'p_ann',
      stage: 'purchase',
      touches: 3,
      channels: 2,
      firstActivity: new Date(t0 + day).toISOString(),
      lastActivity: new Date(t0 + 9 * day).toISOString(),
      account: 'northwind',
    });
    expect(all.rows[0]).not.toHaveProperty('account');
    const second = personDirectory(owners, { limit: 2, offset: 1 });
    expect([second.total, second.rows.map((row) => row.id)]).toEqual([4, ['p_ann', 'p_ben']]);
  });

  it('narrows people by stage, by account, and by a part of their id or the people an identifier names', () => {
    expect(personDirectory(owners, { stage: 'awareness', limit: 10, offset: 0 }).rows.map((row) => row.id)).toEqual(['p_dan', 'p_ben']);
    expect(personDirectory(owners, { account: 'northwind', limit: 10, offset: 0 }).rows.map((row) => row.id)).toEqual(['p_ann', 'p_ben']);
    expect(personDirectory(owners, { search: 'CLE', limit: 10, offset: 0 }).rows.map((row) => row.id)).toEqual(['p_cleo']);
    const named = personDirectory(owners, { search: 'ann@northwind.io', ids: new Set(['p_ann']), limit: 10, offset: 0 });
    expect([named.total, named.rows.map((row) => row.id)]).toEqual([1, ['p_ann']]);
  });

  it('lists accounts most recently active first with their name and people, found by id, name or domain', () => {
    const all = accountDirectory(owners, { limit: 10, offset: 0 });
    expect(all.rows.map((row) => [row.id, row.name, row.people, row.touches])).toEqual([
      ['northwind', 'Northwind Traders', 2, 2],
      ['globex', 'Globex', 0, 1],
    ]);
    expect(accountDirectory(owners, { search: 'NORTHWIND.IO', limit: 10, offset: 0 }).rows.map((row) => row.id)).toEqual(['northwind']);
    expect(accountDirectory(owners, { search: 'globex', stage: 'purchase', limit: 10, offset: 0 }).total).toBe(0);
  });
});
