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
  // dropped whole and the newer takes its place. An entry seen again moves to the newer. Evicting
  // one entry at a time from the front of one Map instead left tombstones that every eviction
  // walked past again: past 100,000 facts (a graph gaining new people), each new fact cost
  // thousands of steps (40 % of linking's time at 600,000 identifiers).
  const half = Math.max(1, Math.floor(maxEntries / 2));
  let newer = new Map<string, Entry>();
  let older = new Map<string, Entry>();
  // Activity windows (an account's last-seen) are kept to the minute: a member's every event would
  // otherwise rewrite the same row.
  const slack = 60_000;
  /** Puts an entry in the newer generation, the older one dropped first if the newer is full. */
  const keep = (key: string, entry: Entry): void => {
    if (newer.size >= half) {
      older = newer;
      newer = new Map();
    }
    newer.set(key, entry);
  };
  /** The entry of a fact recorded before, moved to the newer generation; undefined if none. */
  const held = (key: string): Entry | undefined => {
    const entry = newer.get(key);
    if (entry) return entry;
    const old = older.get(key);
    if (old) keep(key, old);
    return old;
  };
  /**
   * Whether a fact at `at` is a no-op to write: recorded as early (a first sighting covers what
   * comes after it), or within what its recorded window and a minute of slack span. One that is
   * stays in the cache as long as it keeps being seen; its window is not widened, since nothing
   * was written: the window is what the database holds.
   */
  const covered = (key: string, at: number): boolean => {
    const entry = held(key);
    if (!(entry && entry.until > now() && entry.first <= at && at <= entry.last + slack)) return false;
    entry.until = now() + ttl;
    return true;
  };
  /** A fact written and committed at `at`: what the database now holds. */
  const note = (key: string, at: number, widen: boolean) => {
    let entry = held(key);
    if (!entry) keep(key, (entry = { first: at, last: widen ? at : Infinity, until: 0 }));
    entry.first = Math.min(at, entry.first);
    entry.last = widen ? Math.max(at, entry.last) : Infinity;
    entry.until = now() + ttl;
  };

  return {
    /** The facts worth writing, and what to remember once they are committed. */
    filter(batch: EventFacts[]): { batch: EventFacts[]; remember(): void } {
      const notes: Array<[string, number, boolean]> = [];
      const kept: EventFacts[] = [];
      const write = (key: string, at: number, widen: boolean): boolean => {
        if (covered(key, at)) return false;
        notes.push([key, at, widen]);
        return true;
      };
      for (const item of batch) {
        const { site, at, facts } = item;
        const seen = facts.seen.filter((id) => write(`seen\u0000${site}\u0000${id.kind}\u0000${id.value}`, at, false));
        const claims = facts.claims.filter(
          (claim) => claim.rule !== 'event' || write(`claim\u0000${site}\u0000${claim.anonymousId}\u0000${claim.to.kind}\u0000${claim.to.value}`, at, false),
        );
        const memberships = facts.memberships.filter(
          (membership) =>
            membership.rule !== 'context' || write(`member\u0000${site}\u0000${membership.actor.kind}\u0000${membership.actor.value}\u0000${membership.accountId}`, at, true),
        );
        // Nothing skipped: the event's facts as they are.
        if (seen.length === facts.seen.length && claims.length === facts.claims.length && memberships.length === facts.memberships.length) {
          kept.push(item);
          continue;
        }
        const trimmed = { ...emptyFacts(), ...facts, seen, claims, memberships };
        if (hasFacts(trimmed)) kept.push({ ...item, facts: trimmed });
      }
      return {
        batch: kept,
        remember: () => {
          for (const [key, at, widen] of notes) note(key, at, widen);
        },
      };
    },
    clear: () => {
      newer.clear();
      older.clear();
    },
  };
}
