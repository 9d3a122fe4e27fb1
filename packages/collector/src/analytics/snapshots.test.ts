import { describe, expect, it } from 'vitest';
import { createSnapshots, patience } from './snapshots.ts';
import type { StagedOwners } from './staged-owners.ts';

/**
 * The snapshot rules against a scripted source: versions and stagings as a test says, each
 * staging finishing when the test lets it, and a clock the test moves.
 */
function scripted() {
  let version = 'v1';
  let clock = 0;
  const stagings: Array<{ version: string; finish: () => void }> = [];
  const owners = (label: string): StagedOwners => ({ people: [{ kind: 'person', id: label, touchpoints: [], history: { current: null, stages: [], transitions: [] }, stages: [] }], accounts: [], accountTraits: new Map(), accountOfPerson: {} });
  const snapshots = createSnapshots({
    version: async () => version,
    stage: (site) =>
      new Promise<StagedOwners>((resolve) => {
        const staged = version;
        stagings.push({ version: staged, finish: () => resolve(owners(`${site}@${staged}`)) });
      }),
    now: () => clock,
    maxAge: 60_000,
  });
  return {
    snapshots,
    stagings,
    change: (next: string) => void (version = next),
    later: (ms: number) => void (clock += ms),
    /** Who the answer's staging holds. */
    holds: async (answer: Promise<{ owners: StagedOwners }>) => (await answer).owners.people[0]!.id,
    /** The first answer, from v1's staging, once that staging is let finish. */
    async staged() {
      const first = snapshots('default');
      await Promise.resolve();
      stagings[0]!.finish();
      return first;
    },
  };
}

describe('snapshots', () => {
  it('answers from the staging before while a newer one runs, within the maximum age', async () => {
    const { snapshots, stagings, change, later, holds, staged } = scripted();
    expect(await holds(staged())).toBe('default@v1');
    change('v2');
    later(1_000);
    // The staging of v2 takes long: after its patience the answer comes from v1.
    expect(await holds(snapshots('default'))).toBe('default@v1');
    expect(stagings).toHaveLength(2);
  });

  // Also in the millisecond the staging before it began: that staging may have read what is forgotten.
  it.each([1_000, 0])('after a forget, answers nothing staged before it, waiting for a staging after it (%i ms between)', async (gap) => {
    const { snapshots, stagings, change, later, holds, staged } = scripted();
    expect(await holds(staged())).toBe('default@v1');
    // Someone is erased: the facts change and v1's staging holds them.
    change('v2');
    later(gap);
    snapshots.forget('default');
    let answered = false;
    const answer = snapshots('default').then((snapshot) => ((answered = true), snapshot));
    await new Promise((resolve) => setTimeout(resolve, patience + 100));
    expect(answered).toBe(false);
    stagings.at(-1)!.finish();
    expect(await holds(answer)).toBe('default@v2');
  });

  it('after a forget, does not keep a staging that began before it', async () => {
    const { snapshots, stagings, change, later, holds, staged } = scripted();
    await staged();
    change('v2');
    later(1_000);
    // A staging of v2 is under way when v3 (the erasure) comes and the site is forgotten.
    const during = snapshots('default');
    await Promise.resolve();
    change('v3');
    later(1_000);
    snapshots.forget('default');
    stagings[1]!.finish();
    expect(await holds(during)).toBe('default@v2'); // asked before the forget: its answer stands
    // v2's staging is younger than the maximum age, but began before the forget.
    let answered = false;
    const after = snapshots('default').then((snapshot) => ((answered = true), snapshot));
    await new Promise((resolve) => setTimeout(resolve, patience + 100));
    expect(answered).toBe(false);
    expect(stagings.map((staging) => staging.version)).toEqual(['v1', 'v2', 'v3']);
    stagings[2]!.finish();
    expect(await holds(after)).toBe('default@v3');
  });
});
