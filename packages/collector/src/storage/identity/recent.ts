import type { EventFacts } from './apply.ts';
import { emptyFacts, hasFacts } from '../../identity/facts.ts';

/**
 * Most events repeat what is known: the same device, the same user, the same account. Recording
 * those again changes nothing (first-seen times only ever move earlier, activity windows only
 * widen), so facts already recorded by this process within a few minutes are skipped. The cache
 * only ever skips writes that would be no-ops; a cold or cleared cache just writes them again.
 */
export function createFactFilter(maxEntries = 100_000, ttl = 10 * 60_000, now: () => number = Date.now) {
  const known = new Map<string, { first: number; last: number; until: number }>();
  // Activity windows (an account's last-seen) are kept to the minute: a member's every event would
  // otherwise rewrite the same row.
  const slack = 60_000;
  const covered = (key: string, at: number) => {
    const entry = known.get(key);
    return !!entry && entry.until > now() && entry.first <= at && at <= entry.last + slack;
  };
  const note = (key: string, at: number, widen: boolean) => {
    // A first-seen fact covers everything after it; an activity window only what it spans.
    const entry = known.get(key);
    if (entry) {
      // Updated where it is: the same device on every event would otherwise delete and add its
      // key each time, and the map's table be rebuilt over and over.
      entry.first = Math.min(at, entry.first);
      entry.last = widen ? Math.max(at, entry.last) : Infinity;
      entry.until = now() + ttl;
      return;
    }
    // Full: the entry noted longest ago goes (first added, first out).
    if (known.size >= maxEntries) known.delete(known.keys().next().value!);
    known.set(key, { first: at, last: widen ? at : Infinity, until: now() + ttl });
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
    clear: () => known.clear(),
  };
}
