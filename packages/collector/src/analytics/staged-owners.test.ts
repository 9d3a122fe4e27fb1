import { describe, expect, it } from 'vitest';
import { b2bStageModel, defaultStageModel } from '../journey/stages.ts';
import type { JourneyFacts } from '../storage/journey/facts.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { stagedOwners, traitKeysOf } from './staged-owners.ts';
import { SiteJourneys } from './site-journeys.ts';

const day = 86_400_000;
const touch = (id: string, at: number, more: Partial<Touchpoint> = {}): Touchpoint => ({ id, kind: 'session', at, name: '/', channel: 'Direct', source: '(direct)', medium: '(none)', campaign: '(not set)', ...more });

const facts = (traits: JourneyFacts['traits']): JourneyFacts => ({
  domainClaims: {},
  touchpoints: [
    touch('a1', 1 * day, { personId: 'ann' }),
    touch('a2', 2 * day, { personId: 'ann', kind: 'event', name: 'Signed Up' }),
    // Ann's visit naming another account counts for that account only.
    touch('a3', 3 * day, { personId: 'ann', accountId: 'globex' }),
    touch('b1', 2 * day, { personId: 'ben' }),
  ].map((touchpoint) => ({ ...touchpoint, stream: `device-${touchpoint.personId}` })),
  imported: [{ touchpoint: { id: 'crm:1', source: 'crm', externalId: '1', type: 'closed_won', occurredAt: 5 * day }, accountId: 'northwind' }],
  accountOfPerson: { ann: 'northwind', ben: 'northwind' },
  traits,
});

describe('stagedOwners', () => {
  it("stages people by their touchpoints and accounts by those naming them and their people's", () => {
    const { people, accounts } = stagedOwners(facts([]), defaultStageModel);
    const ann = people.find((owner) => owner.id === 'ann')!;
    expect(ann.touchpoints.map((t) => t.id)).toEqual(['a1', 'a2', 'a3']);
    expect(ann.history.current).toBe('consideration');
    const northwind = accounts.find((owner) => owner.id === 'northwind')!;
    expect(northwind.touchpoints.map((t) => t.id)).toEqual(['a1', 'b1', 'a2', 'crm:1']);
    expect(northwind.history.current).toBe('purchase');
    expect(accounts.find((owner) => owner.id === 'globex')!.touchpoints.map((t) => t.id)).toEqual(['a3']);
  });

  it('keeps the latest value of each trait, by time then messageId, whatever order the facts come in', () => {
    const set = (value: string, at: number, messageId: string) => ({ owner: 'account' as const, id: 'northwind', key: 'industry', value, at, messageId });
    const rows = [set('Retail', 1 * day, 'm-1'), set('Software', 2 * day, 'm-2'), set('Energy', 2 * day, 'm-3')];
    for (const order of [rows, [...rows].reverse(), [rows[2]!, rows[0]!, rows[1]!]]) {
      expect(stagedOwners(facts(order), defaultStageModel).accountTraits.get('northwind')).toEqual({ industry: 'Energy' });
    }
  });

  it("places people by trait rules at the time the trait was set, and reads only the model's trait keys", () => {
    expect(traitKeysOf(defaultStageModel)).toEqual([]);
    expect(traitKeysOf(b2bStageModel)).toEqual(['lifecycle_stage']);
    const staged = stagedOwners(facts([{ owner: 'person', id: 'ben', key: 'lifecycle_stage', value: 'customer', at: 4 * day, messageId: 'm-9' }]), b2bStageModel);
    const ben = staged.people.find((owner) => owner.id === 'ben')!;
    expect(ben.history.stages.at(-1)).toMatchObject({ stage: 'customer', at: 4 * day });
  });

  it('stages in steps what it stages at once, pausing between them for what waits', async () => {
    // 2,500 people of 10 touchpoints each, 500 of them in accounts: more than one step's worth.
    const many: JourneyFacts = {
      domainClaims: {},
      touchpoints: Array.from({ length: 25_000 }, (_, index) => {
        const person = `p${index % 2_500}`;
        return { ...touch(`t${index}`, index * 60_000, { personId: person, ...(index % 7 === 0 && { kind: 'event', name: 'Signed Up' }) }), stream: `device-${person}` };
      }),
      imported: [],
      accountOfPerson: Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`p${index}`, `acc${index % 50}`])),
      traits: [],
    };
    const order: string[] = [];
    const pause = async () => {
      order.push('pause');
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    setTimeout(() => order.push('a request'), 0);
    const journeys = await SiteJourneys.inSteps(defaultStageModel, many, pause);
    order.push('staged');
    expect(journeys.owners()).toEqual(stagedOwners(many, defaultStageModel));
    expect(journeys.owners().people).toHaveLength(2_500);
    expect(order.filter((step) => step === 'pause').length).toBeGreaterThanOrEqual(2);
    // What was waiting ran before the staging ended.
    expect(order.indexOf('a request')).toBeLessThan(order.indexOf('staged'));
  });

  it('holds a touchpoint given twice (a page read before and after it was rewritten) once, as given last', () => {
    const once = facts([]);
    const [first, ...rest] = once.touchpoints;
    // a1 rewritten while the site was read: Ben's now, a day later.
    const twice = { ...once, touchpoints: [first!, ...rest, { ...first!, personId: 'ben', stream: 'device-ben', at: 4 * day }] };
    const staged = stagedOwners(twice, defaultStageModel);
    expect(staged).toEqual(stagedOwners({ ...once, touchpoints: [...rest, twice.touchpoints.at(-1)!] }, defaultStageModel));
    expect(staged.people.find((owner) => owner.id === 'ann')!.touchpoints.map((t) => t.id)).toEqual(['a2', 'a3']);
  });
});

