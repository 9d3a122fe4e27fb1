import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@journey/protocol';
import { defaultStageModel } from '../journey/stages.ts';
import { stagedJourney } from '../journey/staged.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { filterOwners, traitMatches } from './filters.ts';
import type { StagedOwner } from './owner.ts';

const day = 86_400_000;
const touch = (id: string, at: number, channel: Touchpoint['channel']): Touchpoint => ({ id, kind: 'session', at, name: '/', channel, source: 's', medium: 'm', campaign: '(not set)' });
const owner = (kind: StagedOwner['kind'], id: string, touchpoints: Touchpoint[]): StagedOwner => ({ kind, id, ...stagedJourney(touchpoints, {}, defaultStageModel) });

describe('traitMatches', () => {
  it.each<[JsonValue | undefined, string, boolean]>([
    ['Software', 'software', true],
    [' Software ', 'SOFTWARE', true],
    ['Retail', 'software', false],
    [120, '50..200', true],
    [50, '50..200', true],
    [201, '50..200', false],
    ['120', '50..200', true],
    [5, '..10', true],
    [5000, '1000..', true],
    [999, '1000..', false],
    ['many', '50..200', false],
    [120, '120', true],
    [true, 'true', true],
    [undefined, 'software', false],
    [null, 'null', false],
  ])('%j against %j → %s', (value, wanted, expected) => {
    expect(traitMatches(value, wanted)).toBe(expected);
  });
});

describe('filterOwners', () => {
  const range = { from: 10 * day, to: 20 * day };
  const people = [
    owner('person', 'p1', [touch('a', 12 * day, 'Email'), touch('b', 13 * day, 'Direct')]),
    owner('person', 'p2', [touch('c', 5 * day, 'Email'), touch('d', 15 * day, 'Organic Search')]),
    owner('person', 'p3', [touch('e', 15 * day, 'Email')]),
  ];
  const accounts = {
    traitsOf: (id: string) => ({ acme: { industry: 'Software', employees: 120 }, globex: { industry: 'Retail', employees: 9000 } })[id],
    accountOfPerson: (id: string) => ({ p1: 'acme', p2: 'globex' })[id],
  };

  it('keeps who came through the channel within the range', () => {
    expect(filterOwners(people, { channel: 'Email' }, range, accounts).map((o) => o.id)).toEqual(['p1', 'p3']);
  });

  it('judges people by their account and leaves out people without one', () => {
    expect(filterOwners(people, { account: { industry: 'software' } }, range, accounts).map((o) => o.id)).toEqual(['p1']);
    expect(filterOwners(people, { account: { employees: '1000..' } }, range, accounts).map((o) => o.id)).toEqual(['p2']);
  });

  it('judges accounts by their own traits, every filter at once', () => {
    const list = [owner('account', 'acme', [touch('x', 12 * day, 'Email')]), owner('account', 'globex', [touch('y', 12 * day, 'Email')])];
    expect(filterOwners(list, { channel: 'Email', account: { industry: 'retail', employees: '..10000' } }, range, accounts).map((o) => o.id)).toEqual(['globex']);
  });
});
