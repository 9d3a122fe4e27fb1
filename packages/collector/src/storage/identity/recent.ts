import type { EventFacts } from './apply.ts';
import { emptyFacts, hasFacts } from '../../identity/facts.ts';

interface Entry {
  first: number;
  last: number;
  until: number;
}

/**
 * Most events repeat what is known: the same device, the same user, the same account. Recording
 * those again changes nothing (first-seen times only ever move earlier, activity windows only
 * widen), so facts already recorded by this process within a few minutes are skipped. The cache
 * only ever skips writes that would be no-ops; a cold or cleared cache just writes them again.
 */
export function createFactFilter(maxEntries = 100_000, ttl = 10 * 60_000, now: () => number = Date.now) {
  // Two generations, each of at most half the entries: when the newer is full, the older is
  // dropped whole and the newer takes its place. An entry noted again moves to the newer. Evicting
  // one entry at a time from the front of one Map instead left tombstones that every eviction
  // walked past again: past 100,000 facts (a graph gaining new people), each new fact cost
  // thousands of steps (a third of linking's time at 300,000 identifiers).
  const half = Math.max(1, Math.floor(maxEntries / 2));
  let newer = new Map<string, Entry>();
  let older = new Map<string, Entry>();
  // Activity windows (an account's last-seen) are kept to the minute: a member's every event would
  // otherwise rewrite the same row.
  const slack = 60_000;
  const covered = (key: string, at: number) => {
    const entry = newer.get(key) ?? older.get(key);
    return !!entry && entry.until > now() && entry.first <= at && at <= entry.last + slack;
  };
  const note = (key: string, at: number, widen: boolean) => {
    // A first-seen fact covers everything after it; an activity window only what it spans.
    let entry = newer.get(key);
    if (!entry) {
      entry = older.get(key);
      if (newer.size >= half) {
        older = newer;
        newer = new Map();
      }
      newer.set(key, (entry ??= { first: at, last: widen ? at : Infinity, until: 0 }));
    }
    entry.first = Math.min(at, entry.first);
    entry.last = widen ? Math.max(at, entry.last) : Infinity;
    entry.until = now() + ttl;
  };

  return {
    /** The facts worth writing, and what to remember once they are committed. */
    filter(batch: EventFacts[]): { batch: EventFacts[]; remember(): void } {
      const notes: Array<[string, number, boolean]> = [];
      const kept: EventFacts[] = [];
      for (const item of batch) {
        const { site, at, facts } = item;
        const trimmed = { ...emptyFacts(), ...facts };
        trimmed.seen = facts.seen.filter((id) => {
          const key = `seen\u0000${site}\u0000${id.kind}\u0000${id.value}`;
          notes.push([key, at, false]);
          return !covered(key, at);
        });
        trimmed.claims = facts.claims.filter((claim) => {
          if (claim.rule !== 'event') return true;
          const key = `claim\u0000${site}\u0000${claim.anonymousId}\u0000${claim.to.kind}\u0000${claim.to.value}`;
          notes.push([key, at, false]);
          return !covered(key, at);
        });
        trimmed.memberships = facts.memberships.filter((membership) => {
          if (membership.rule !== 'context') return true;
          const key = `member\u0000${site}\u0000${membership.actor.kind}\u0000${membership.actor.value}\u0000${membership.accountId}`;
          notes.push([key, at, true]);
          return !covered(key, at);
        });
        if (hasFacts(trimmed)) kept.push({ ...item, facts: trimmed });
      }
      return { batch: kept, remember: () => notes.forEach(([key, at, widen]) => note(key, at, widen)) };
    },
    clear: () => {
      newer.clear();
      older.clear();
    },
  };
}
