/**
 * Each site's people and accounts staged once, then kept: after a change only what it reaches is
 * read again and staged again. The events since the last version name streams and accounts; the
 * people of those streams (as held, and as the identity tables say now) and every stream of those
 * people are read in rounds until nothing new comes up, since a merge moves a person's touchpoints on
 * devices the new events never named. Imports and admin merges and splits are followed from
 * whom they reached; a change that cannot say whom it reached (an erasure) or one reaching more
 * than a tenth of the site stages the whole site again (docs/ANALYTICS.md).
 */
import type { JourneyFacts, JourneyFactsOptions, JourneyScope, ScopedJourneyFacts } from '../storage/journey/facts.ts';
import type { StageModel } from '../journey/stages.ts';
import { StorageClosedError, type JourneyRead, type JourneyStore } from '../storage/port.ts';
import { letRequestsIn } from '../background.ts';
import { SiteJourneys, type Restaged, type StagedOwners } from './site-journeys.ts';
import { decodeStaging, encodeStagingInSteps, stagingFormat } from './staging-codec.ts';

export interface KeptStagingOptions {
  storage: JourneyStore;
  model: StageModel;
  facts: JourneyFactsOptions;
  /**
   * After each staging, with whom it staged again (`all` for a whole staging): where stage
   * changes are announced. Its failure fails the staging's caller, not the staging.
   */
  staged?: (site: string, journeys: SiteJourneys, restaged: Restaged | 'all') => Promise<void>;
  /**
   * Save each site's staging in the database, `settle` ms after a whole staging (once the queries
   * that came with it are answered) and then at most every `every` ms, and start from the saved
   * one: a collector starting on a million events then reads one text rather than staging
   * everyone. Absent: neither saved nor read.
   */
  save?: { every: number; settle: number; now: () => number; log: (message: string, error: unknown) => void };
}

interface Kept {
  journeys: SiteJourneys;
  version: string;
  /** Whom the staging that made it staged again. */
  restaged: Restaged | 'all' | null;
}

/** The last staging of a site saved (or read back), and when. */
interface Saved {
  version: string;
  at: number;
}

/** A site's: what is held, what was saved, when the next save is due and whether a timer waits for it, and its queue. */
interface Site {
  kept?: Kept;
  saved?: Saved;
  due?: number;
  timer?: boolean;
  queue: Promise<unknown>;
}

/**
 * Stages a site as its facts are now, or as far as the rollup has come (`read`; see keptStaging);
 * `restore` holds its saved staging again ahead of the first query.
 */
export type KeptStaging = ((site: string, read?: JourneyRead) => Promise<StagedOwners>) & {
  restore(site: string): Promise<boolean>;
  /** Saves each site's staging now where it is newer than the one saved: a stop, after which a start reads it back current. */
  flush(): Promise<void>;
};

export function keptStaging(options: KeptStagingOptions): KeptStaging {
  const { storage, model, save } = options;
  const sites = new Map<string, Site>();
  // A staging saved with another model, other options or by another release is not read.
  const key = JSON.stringify({ format: stagingFormat, model, facts: options.facts });

  /** The saved staging, held again; undefined when there is none to read (or it cannot be read). */
  const restored = async (site: string): Promise<(Kept & { saved: Saved }) | undefined> => {
    if (!save) return undefined;
    try {
      const saved = await storage.savedStaging(site, key);
      if (!saved) return undefined;
      const journeys = SiteJourneys.restore(model, decodeStaging(saved.staging));
      // What it builds as queries read it, built beside them in steps (a second of work on a million events).
      journeys.buildInSteps(letRequestsIn).catch((error: unknown) => save.log('building the staging read back failed; queries build what they read', error));
      // Everyone counts as staged again: what a last staging before the stop did not record is recorded now.
      return { journeys, version: saved.version, restaged: 'all', saved: { version: saved.version, at: save.now() } };
    } catch (error) {
      save.log('the saved staging could not be read; staging whole', error);
      return undefined;
    }
  };

  /** After a staging: a whole one is saved `settle` ms on, a followed change `every` ms after the last save. */
  const plan = (entry: Site): void => {
    const { kept, saved } = entry;
    if (!save || !kept || kept.version === saved?.version) return;
    const now = save.now();
    const due = kept.restaged === 'all' ? now + save.settle : (saved?.at ?? now) + save.every;
    entry.due = Math.min(entry.due ?? Infinity, due);
  };

  /** Saves a site's staging if it is due, else sets a timer (one) for when it will be. */
  const saveIfDue = async (site: string): Promise<void> => {
    const entry = sites.get(site)!;
    if (!save || entry.due === undefined) return;
    const wait = entry.due - save.now();
    if (wait > 0) {
      if (entry.timer) return;
      entry.timer = true;
      const timer = setTimeout(() => {
        entry.timer = false;
        entry.queue = entry.queue.then(() => saveIfDue(site)).catch(() => {});
      }, wait);
      // A server's pending save does not hold its process open.
      (timer as { unref?: () => void }).unref?.();
      return;
    }
    delete entry.due;
    const { kept } = entry;
    if (!kept || kept.version === entry.saved?.version) return;
    // In steps with requests let in between: writing out a million events' staging is a second of work.
    await letRequestsIn();
    try {
      const at = save.now();
      // What is held now; what changes after it (nothing while this save holds the queue) makes new objects.
      const held = kept.journeys.held();
      await letRequestsIn();
      const staging = await encodeStagingInSteps(held, letRequestsIn);
      if (await storage.saveStaging(site, key, { version: kept.version, staging })) entry.saved = { version: kept.version, at };
    } catch (error) {
      if (!(error instanceof StorageClosedError)) save.log('the staging could not be saved; a collector starting now would stage whole', error);
    }
  };

  const whole = async (site: string, reading?: JourneyRead): Promise<Kept> => {
    const version = await storage.journeyVersion(reading);
    // In steps with requests let in between: staging a million events' people is seconds of work.
    const journeys = await SiteJourneys.inSteps(model, await storage.journeyFacts(site, options.facts, reading), letRequestsIn);
    return { journeys, version, restaged: 'all' };
  };

  const follow = async (site: string, kept: Kept, reading?: JourneyRead): Promise<Kept> => {
    const changes = await storage.journeyChanges(site, kept.version, reading);
    if (changes.full) return whole(site, reading);
    if (changes.version === kept.version) return { ...kept, restaged: null };
    const limit = Math.max(1_000, kept.journeys.people / 10);
    const streams = new Set(changes.streams);
    const persons = new Set(changes.persons);
    const reads: ScopedJourneyFacts[] = [];
    let next: JourneyScope = { streams: changes.streams, persons: changes.persons, accounts: changes.accounts, domains: changes.domains };
    while (next.streams.length > 0 || next.persons.length > 0 || next.accounts.length > 0 || next.domains!.length > 0) {
      const read = await storage.scopedJourneyFacts(site, options.facts, next);
      reads.push(read);
      const reached = [
        ...read.personsReached,
        ...read.touchpoints.flatMap((touchpoint) => (touchpoint.personId === undefined ? [] : [touchpoint.personId])),
        ...kept.journeys.personsOfStreams(next.streams),
        ...kept.journeys.personsOfImported(read.imported.map(({ touchpoint }) => touchpoint.id)),
      ].filter((person) => !persons.has(person));
      const further = [...read.streamsOfPersons, ...kept.journeys.streamsOfPersons(next.persons)].filter((stream) => !streams.has(stream));
      next = { streams: [...new Set(further)], persons: [...new Set(reached)], accounts: [], domains: [] };
      for (const stream of next.streams) streams.add(stream);
      for (const person of next.persons) persons.add(person);
      if (persons.size > limit || streams.size > limit * 4) return whole(site, reading);
    }
    // A change that reached nobody staged here (an import of what was there, another site's).
    if (reads.length === 0) return { journeys: kept.journeys, version: changes.version, restaged: null };
    const scope = { streams: [...streams], persons: [...persons], accounts: [] };
    const restaged = kept.journeys.apply(merged(reads), scope);
    if (!restaged) return whole(site, reading);
    return { journeys: kept.journeys, version: changes.version, restaged };
  };

  const entryOf = (site: string): Site => {
    if (!sites.has(site)) sites.set(site, { queue: Promise.resolve() });
    return sites.get(site)!;
  };

  const stage = (site: string, reading?: JourneyRead): Promise<StagedOwners> => {
    const entry = entryOf(site);
    // One staging of a site at a time: each follows from where the last one left it.
    const staged = entry.queue.then(async () => {
      try {
        if (entry.kept) {
          entry.kept = await follow(site, entry.kept, reading);
        } else {
          const held = await restored(site);
          if (held) entry.saved = held.saved;
          entry.kept = held ? { ...(await follow(site, held, reading)), restaged: 'all' } : await whole(site, reading);
        }
      } catch (error) {
        // Half applied or not at all: stage whole next time rather than trust what is held.
        delete entry.kept;
        throw error;
      }
      plan(entry);
      const { journeys, restaged } = entry.kept;
      if (restaged && options.staged) await options.staged(site, journeys, restaged);
      return journeys.owners();
    });
    // The next staging waits for the save: both read and change what is held.
    entry.queue = staged.then(() => saveIfDue(site)).catch(() => {});
    return staged;
  };

  /** Holds the site's saved staging again if there is one and nothing is held yet; true if it did. */
  const restore = (site: string): Promise<boolean> => {
    const entry = entryOf(site);
    const restoring = entry.queue.then(async () => {
      if (entry.kept) return false;
      const held = await restored(site);
      if (!held) return false;
      entry.saved = held.saved;
      entry.kept = held;
      if (options.staged) await options.staged(site, held.journeys, 'all');
      return true;
    });
    entry.queue = restoring.catch(() => {});
    return restoring;
  };

  const flush = async (): Promise<void> => {
    if (!save) return;
    const saving = [...sites].map(([site, entry]) => {
      // After the staging or save under way: what it leaves held is what is saved.
      const saved = entry.queue.then(() => {
        if (!entry.kept || entry.kept.version === entry.saved?.version) return;
        entry.due = save.now();
        return saveIfDue(site);
      });
      entry.queue = saved.catch(() => {});
      return saved;
    });
    await Promise.all(saving);
  };

  return Object.assign(stage, { restore, flush });
}

/** The reads of one change as one: each stream, person and account was read once. */
function merged(reads: ScopedJourneyFacts[]): JourneyFacts & { accounts: string[] } {
  const claims = new Set(reads.map((read) => JSON.stringify(read.domainClaims)));
  return {
    touchpoints: reads.flatMap((read) => read.touchpoints),
    imported: reads.flatMap((read) => read.imported),
    accountOfPerson: Object.assign({}, ...reads.map((read) => read.accountOfPerson)),
    traits: reads.flatMap((read) => read.traits),
    // Claims that changed between two reads differ from the held ones: stage whole.
    domainClaims: claims.size === 1 ? reads[0]!.domainClaims : { '': [] },
    accounts: [...new Set(reads.flatMap((read) => read.accounts))],
  };
}
