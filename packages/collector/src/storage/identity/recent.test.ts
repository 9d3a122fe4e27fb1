import { describe, expect, it } from 'vitest';
import { emptyFacts } from '../../identity/facts.ts';
import type { EventFacts } from './apply.ts';
import { createFactFilter } from './recent.ts';

const minute = 60_000;

/** An event that only says a device was seen, at `at`. */
const sighting = (device: string, at: number): EventFacts => ({
  site: 'default',
  messageId: `${device}-${at}`,
  at,
  facts: { ...emptyFacts(), seen: [{ kind: 'anonymousId', value: device }] },
});

/** An event of a known member of an account, at `at`: the membership is an activity window. */
const member = (at: number): EventFacts => ({
  site: 'default',
  messageId: `member-${at}`,
  at,
  facts: { ...emptyFacts(), memberships: [{ actor: { kind: 'userId', value: 'u-ann' }, accountId: 'northwind', rule: 'context' }] },
});

/** Passes a batch through the filter and remembers it as committed; what was kept to be written. */
const written = (filter: ReturnType<typeof createFactFilter>, batch: EventFacts[]): EventFacts[] => {
  const { batch: kept, remember } = filter.filter(batch);
  remember();
  return kept;
};

describe('recent identity facts (writes skipped as no-ops)', () => {
  it('skips a fact already recorded, but not one seen earlier than recorded', () => {
    const filter = createFactFilter();
    expect(written(filter, [sighting('d1', 10 * minute)])).toHaveLength(1);
    expect(written(filter, [sighting('d1', 20 * minute)])).toHaveLength(0);
    // An earlier sighting moves the first-seen time: it must be written.
    expect(written(filter, [sighting('d1', 5 * minute)])).toHaveLength(1);
    expect(written(filter, [sighting('d1', 6 * minute)])).toHaveLength(0);
  });

  it('writes nothing until it is committed: a batch rolled back is written again', () => {
    const filter = createFactFilter();
    expect(filter.filter([sighting('d1', minute)]).batch).toHaveLength(1);
    expect(filter.filter([sighting('d1', minute)]).batch).toHaveLength(1);
  });

  it('widens an activity window only past a minute of slack', () => {
    const filter = createFactFilter();
    expect(written(filter, [member(0)])).toHaveLength(1);
    expect(written(filter, [member(minute)])).toHaveLength(0);
    expect(written(filter, [member(3 * minute)])).toHaveLength(1);
    expect(written(filter, [member(3 * minute + 30_000)])).toHaveLength(0);
  });

  it('writes an activity window at least once a minute while the activity goes on', () => {
    const filter = createFactFilter();
    // A member active every 30 s: what is skipped does not count as written.
    const writes = [0, 30, 60, 90, 120, 150, 180].filter((seconds) => written(filter, [member(seconds * 1000)]).length > 0);
    expect(writes).toEqual([0, 90, 180]);
  });

  it('forgets what it noted after its time to live', () => {
    let now = 0;
    const filter = createFactFilter(100, 10 * minute, () => now);
    written(filter, [sighting('d1', minute)]);
    now = 9 * minute;
    expect(written(filter, [sighting('d1', minute)])).toHaveLength(0);
    // Noted again at 9 minutes: it lives until 19.
    now = 18 * minute;
    expect(written(filter, [sighting('d1', minute)])).toHaveLength(0);
    now = 30 * minute;
    expect(written(filter, [sighting('d1', minute)])).toHaveLength(1);
  });

  it('holds a bounded number of facts: the least recently noted go first', () => {
    const filter = createFactFilter(1_000);
    written(filter, [sighting('kept', minute)]);
    written(filter, [sighting('dropped', minute)]);
    for (let round = 0; round < 10; round++) {
      // Seen again between the newcomers: never written again, however many come.
      expect(written(filter, [sighting('kept', minute)])).toHaveLength(0);
      written(filter, Array.from({ length: 400 }, (_, index) => sighting(`new-${round}-${index}`, minute)));
    }
    expect(written(filter, [sighting('kept', minute)])).toHaveLength(0);
    expect(written(filter, [sighting('dropped', minute)])).toHaveLength(1);
    // The most recent newcomers are still known, the first ones not.
    expect(written(filter, [sighting('new-9-399', minute)])).toHaveLength(0);
    expect(written(filter, [sighting('new-0-0', minute)])).toHaveLength(1);
  });

  it('forgets everything when cleared', () => {
    const filter = createFactFilter();
    written(filter, [sighting('d1', minute)]);
    filter.clear();
    expect(written(filter, [sighting('d1', minute)])).toHaveLength(1);
  });
});
