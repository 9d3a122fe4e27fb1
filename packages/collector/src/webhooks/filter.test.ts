import { describe, expect, it } from 'vitest';
import { wants } from './filter.ts';

describe('wants', () => {
  const hook = (filter?: Parameters<typeof wants>[0]['filter']) => ({ events: ['person.stage_changed', 'form.abandoned'] as const, ...(filter && { filter }) }) as Parameters<typeof wants>[0];
  it('takes only its event types', () => {
    expect(wants(hook(), { type: 'form.abandoned' })).toBe(true);
    expect(wants(hook(), { type: 'account.created' })).toBe(false);
  });
  it('narrows stage changes to some stages; other events pass', () => {
    expect(wants(hook({ stages: ['purchase'] }), { type: 'person.stage_changed', stage: 'purchase' })).toBe(true);
    expect(wants(hook({ stages: ['purchase'] }), { type: 'person.stage_changed', stage: 'consideration' })).toBe(false);
    expect(wants(hook({ stages: ['purchase'] }), { type: 'form.abandoned' })).toBe(true);
  });
  it('narrows to accounts with the traits asked, as the query filters match them', () => {
    const icp = hook({ account: { industry: 'software', employees: '50..200' } });
    expect(wants(icp, { type: 'form.abandoned', accountTraits: { industry: 'Software', employees: 120 } })).toBe(true);
    expect(wants(icp, { type: 'form.abandoned', accountTraits: { industry: 'Software', employees: 9000 } })).toBe(false);
    expect(wants(icp, { type: 'form.abandoned' })).toBe(false);
  });
  it("narrows to people known by a user id or an email; accounts' events pass", () => {
    const known = hook({ identified: true });
    expect(wants(known, { type: 'person.stage_changed', identified: true })).toBe(true);
    expect(wants(known, { type: 'person.stage_changed', identified: false })).toBe(false);
    expect(wants({ ...known, events: ['account.stage_changed'] }, { type: 'account.stage_changed' })).toBe(true);
    expect(wants(hook(), { type: 'person.stage_changed', identified: false })).toBe(true);
  });
});
