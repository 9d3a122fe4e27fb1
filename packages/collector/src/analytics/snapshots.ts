/**
 * Staged owners kept between queries. Staging a site's every person and account is the cost of each
 * aggregate query (seconds on a million events); the dashboard asks several at once, and on a live
 * site every write changes the data. So a staging is kept while the journey facts' version holds,
 * requests that come together share one, and while a newer one runs an answer waits a moment
 * (`patience`) for it and then may come from one up to `maxAge` old.
 */
import type { JourneyRead } from '../storage/port.ts';
import type { StagedOwners } from './staged-owners.ts';

/** People and accounts staged from the journey facts of one version, known current at `at`. */
export interface Snapshot {
  version: string;
  /** When it was staged, or later found still current (the version unchanged). */
  at: number;
  owners: StagedOwners;
}

export interface SnapshotSource {
  /** The journey facts' version now, or as far as the rollup has come (see Storage.journeyVersion). */
  version(read?: JourneyRead): Promise<string>;
  /** Stages a site's owners from its journey facts as they are now, or as far as the rollup has come. */
  stage(site: string, read?: JourneyRead): Promise<StagedOwners>;
  now(): number;
  /** How old (ms) an answer's data may be while a newer staging runs. */
  maxAge: number;
}

/**
 * A site's snapshot for an answer: current, or up to `maxAge` old while a newer staging runs.
 * `following`: the background follower's, as far as the rollup has come, never an older one
 * whatever the clock says (it waits for its staging, not for an answer).
 */
export type Snapshots = ((site: string) => Promise<Snapshot>) & {
  following(site: string): Promise<Snapshot>;
  /**
   * What was staged before now may hold what must not be answered any more (a person erased):
   * from now on no answer comes from it, however young, unless it is still current.
   */
  forget(site: string): void;
};

/** How long (ms) an answer waits for a newer staging before it answers from an older one. */
export const patience = 250;

/** The promise's value if it settles within `ms`, else undefined (a failure counts as not yet). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createSnapshots(source: SnapshotSource): Snapshots {
  // `floor`: snapshots staged before it answer only while current (forget).
  const sites = new Map<string, { current?: Snapshot; pending?: Promise<Snapshot>; floor?: number }>();
  // After the floor, not at it: a staging begun in the millisecond of a forget may have read what it forgot.
  const young = (entry: { floor?: number }, snapshot: Snapshot, maxAge: number) => snapshot.at > (entry.floor ?? -Infinity) && source.now() - snapshot.at <= maxAge;

  const stage = (site: string, version: string, read?: JourneyRead): Promise<Snapshot> => {
    const entry = sites.get(site)!;
    const at = source.now();
    const pending = source.stage(site, read).then((owners): Snapshot => ({ version, at, owners }));
    entry.pending = pending;
    pending
      .then(
        (snapshot) => {
          if (!entry.current || entry.current.at <= snapshot.at) entry.current = snapshot;
        },
        () => {}, // the request that waits for it gets the error
      )
      .finally(() => {
        if (entry.pending === pending) delete entry.pending;
      });
    return pending;
  };

  const snapshot = async (site: string, maxAge: number, read?: JourneyRead): Promise<Snapshot> => {
    const asked = source.now();
    const version = await source.version(read);
    if (!sites.has(site)) sites.set(site, {});
    const entry = sites.get(site)!;
    if (entry.current?.version === version) {
      // Still current: its age starts again, so a change after a quiet hour is answered from it
      // while the change is staged.
      entry.current.at = Math.max(entry.current.at, asked);
      return entry.current;
    }
    const pending = entry.pending ?? stage(site, version, read);
    if (entry.current && young(entry, entry.current, maxAge)) {
      // A few new events are staged in milliseconds: wait that long for the newer one, and answer
      // from the older one only while a long staging (a whole one) runs.
      const quick = await within(pending, patience);
      return quick?.version === version ? quick : entry.current;
    }
    const staged = await pending;
    // What was staging when this request came may predate its data: then stage again.
    return staged.version === version || young(entry, staged, maxAge) ? staged : stage(site, version, read);
  };

  const forget = (site: string) => {
    const entry = sites.get(site);
    if (!entry) return;
    entry.floor = source.now();
  };

  return Object.assign((site: string) => snapshot(site, source.maxAge), { following: (site: string) => snapshot(site, -1, { settled: false }), forget });
}
