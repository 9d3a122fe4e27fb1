/**
 * The aggregate journey reports, one function each, from the query string to the answer's body:
 * the JSON API (route.ts) and the dashboard both answer with these, so their numbers are one.
 * People and accounts come staged and kept (kept-staging.ts); each report filters and counts.
 */
import * as z from 'zod';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { repeat, restingWhileChanging } from '../background.ts';
import { parse } from '../http/params.ts';
import { attributionModels } from '../journey/attribution.ts';
import { attributionReport, defaultMilestones } from './attribution-report.ts';
import { conversionName } from './conversion.ts';
import { filterOwners } from './filters.ts';
import { frictionPoints, funnel } from './funnel.ts';
import { abandonedForms } from './abandoned-forms.ts';
import { journeyMap } from './journey-map.ts';
import { keptStaging } from './kept-staging.ts';
import type { DateRange, StagedOwner } from './owner.ts';
import { paths } from './paths.ts';
import { analyticsQuery, type AnalyticsQuery } from './query.ts';
import { createSnapshots } from './snapshots.ts';
import { traitKeysOf, type StagedOwners } from './staged-owners.ts';
import { accountDirectory, personDirectory } from './directory.ts';
import { recordBaseline, stageAnnouncer } from '../webhooks/stage-changes.ts';

const iso = (range: DateRange) => ({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });

const pathOptions = z.object({ steps: z.coerce.number().int().min(1).max(20).default(5), top: z.coerce.number().int().min(1).max(100).default(10) });
const attributionOptions = z.object({ model: z.enum(attributionModels).default('position') });
const directoryOptions = z.object({
  q: z.string().trim().max(200).optional(),
  stage: z.string().max(100).optional(),
  account: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** A query string as Hono gives it (`c.req.queries()`): every value of every key. */
export type QueryString = Record<string, string[]>;

/** The staged people and accounts an answer reads, the query, and when they were staged. */
interface Read {
  query: AnalyticsQuery;
  owners: StagedOwners;
  asOf: string;
}

export type AnalyticsReports = ReturnType<typeof analyticsReports>;

export function analyticsReports(config: CollectorConfig, storage: Storage, now: () => number, log: (message: string, error: unknown) => void = () => {}) {
  const model = config.stageModel;
  // Where someone subscribed to stage changes, every staging records stages and announces changes.
  const announce = stageAnnouncer(storage, now, log);
  const kept = keptStaging({
    storage,
    model,
    facts: { personTraits: traitKeysOf(model), autoAccounts: config.autoAccounts },
    staged: announce,
    // A whole staging is saved half a minute on: the dashboard's first queries come together.
    ...(config.analyticsSaveInterval > 0 && { save: { every: config.analyticsSaveInterval, settle: Math.min(30_000, config.analyticsSaveInterval), now, log } }),
  });
  const snapshotOf = createSnapshots({ version: (read) => storage.journeyVersion(read), stage: kept, now, maxAge: config.analyticsMaxAge });
  // Once a site is staged, its changes are followed in the background: an answer then reads a
  // staging at most a second or two behind, and never waits for one. The follower stages what the
  // rollup has followed (it never makes the rollup catch up: under a backfill the rollup falls
  // behind rather than take the thread from ingestion), and after a pass that took long (a
  // backfill's second of events reaches thousands of people) rests three times as long while the
  // facts keep changing; once they stop (the backfill has ended), it stages at the next interval.
  const following = new Set<string>();
  const follow = (site: string) => {
    const interval = config.analyticsFollowInterval;
    if (interval <= 0 || following.has(site)) return;
    following.add(site);
    const pass = restingWhileChanging(
      async () => void (await snapshotOf.following(site)),
      () => storage.journeyVersion({ settled: false }),
    );
    repeat(pass, interval, () => following.delete(site));
  };
  const staged = async (site: string) => {
    const snapshot = await snapshotOf(site);
    follow(site);
    return snapshot;
  };
  const sites = new Set(config.writeKeys.map((key) => key.site));
  if (config.analyticsWarmUp) {
    // Staged before the first query asks; a failure here is the first query's to report.
    for (const site of sites) staged(site).catch(() => {});
  } else if (config.analyticsSaveInterval > 0) {
    // A site queried before (its staging saved) is held again at once, under a second on a
    // million events, and then brought up to date and followed like a staged one: its first
    // query waits for neither the read-back nor the changes since the save.
    for (const site of sites) {
      kept
        .restore(site)
        .then((held) => (held ? staged(site) : undefined))
        .catch(() => {});
    }
  }

  const read = async (site: string, queryString: QueryString): Promise<Read> => {
    const query = analyticsQuery(queryString, model, now());
    const snapshot = await staged(site);
    return { query, owners: snapshot.owners, asOf: new Date(snapshot.at).toISOString() };
  };
  const select = (owners: StagedOwners, list: StagedOwner[], query: AnalyticsQuery) =>
    filterOwners(list, query.filters, query.range, { traitsOf: (id) => owners.accountTraits.get(id), accountOfPerson: (id) => owners.accountOfPerson[id] });
  const chosen = ({ owners, query }: Read) => select(owners, query.by === 'person' ? owners.people : owners.accounts, query);
  const header = ({ query, asOf }: Read) => ({ range: iso(query.range), filters: query.filters, model: model.stages.map((stage) => stage.id), asOf });
  const flat = (queryString: QueryString) => Object.fromEntries(Object.entries(queryString).map(([key, values]) => [key, values.at(-1)]));

  return {
    model,

    /** Saves each site's staging where it is newer than the one saved (a server stopping: its next start reads it back current). */
    async saveStagings(): Promise<void> {
      await kept.flush();
    },

    /** A person was erased: no answer comes from what was staged before (it holds them), only from a staging after. */
    erased(site: string): void {
      snapshotOf.forget(site);
    },

    /** Stage a site now and follow its changes from then on (stage-change webhooks need it). */
    async watch(site: string): Promise<void> {
      await staged(site);
    },

    /** A first stage subscription: where everyone is now is recorded, and only later moves are told. */
    async baseline(site: string): Promise<void> {
      await recordBaseline(storage, site, (await staged(site)).owners, now());
    },

    /** People and accounts per stage, conversion and drop-off, and the friction points. */
    async funnel(site: string, queryString: QueryString) {
      const at = await read(site, queryString);
      const [people, accounts] = [select(at.owners, at.owners.people, at.query), select(at.owners, at.owners.accounts, at.query)];
      const [peopleFunnel, accountsFunnel] = [funnel(people, model, at.query.range), funnel(accounts, model, at.query.range)];
      return {
        ...header(at),
        people: { ...peopleFunnel, frictionPoints: frictionPoints(peopleFunnel), abandonedForms: abandonedForms(people, at.query.range) },
        accounts: { ...accountsFunnel, frictionPoints: frictionPoints(accountsFunnel), abandonedForms: abandonedForms(accounts, at.query.range) },
      };
    },

    /** The stage × channel matrix and the top touchpoints per stage. */
    async journeyMap(site: string, queryString: QueryString) {
      const at = await read(site, queryString);
      return { ...header(at), by: at.query.by, ...journeyMap(chosen(at), model, at.query.range), range: iso(at.query.range) };
    },

    /** The most common channel and page paths to a conversion. */
    async paths(site: string, queryString: QueryString) {
      const options = parse(pathOptions, flat(queryString), 'query');
      const at = await read(site, queryString);
      return { ...header(at), by: at.query.by, conversion: conversionName(at.query.conversion), ...paths(chosen(at), at.query.conversion, at.query.range, options) };
    },

    /** Accounts with touchpoints, most recently active first: stage, people, touches, channels. */
    async accounts(site: string, queryString: QueryString) {
      const options = parse(directoryOptions, flat(queryString), 'query');
      const snapshot = await staged(site);
      const page = accountDirectory(snapshot.owners, { ...(options.q && { search: options.q }), ...(options.stage && { stage: options.stage }), limit: options.limit, offset: options.offset });
      return { asOf: new Date(snapshot.at).toISOString(), total: page.total, accounts: page.rows };
    },

    /**
     * People with touchpoints, most recently active first, with their email and name. A search
     * matches part of a person's id, or any identifier exactly (an email, a user id, a device).
     */
    async persons(site: string, queryString: QueryString) {
      const options = parse(directoryOptions, flat(queryString), 'query');
      const snapshot = await staged(site);
      const named = options.q ? await storage.findPerson(site, options.q, { autoAccounts: config.autoAccounts }) : null;
      const page = personDirectory(snapshot.owners, {
        ...(options.q && { search: options.q, ids: new Set(named ? [named.id] : []) }),
        ...(options.stage && { stage: options.stage }),
        ...(options.account && { account: options.account }),
        limit: options.limit,
        offset: options.offset,
      });
      const labels = await storage.personLabels(site, page.rows.map((row) => row.id));
      const persons = page.rows.map((row) => {
        const { name, email } = labels[row.id] ?? {};
        return { ...row, ...(name !== undefined && { name }), ...(email && { email }) };
      });
      return { asOf: new Date(snapshot.at).toISOString(), total: page.total, persons };
    },

    /** Everyone staged, as the queries read them (exports add where each person and account is). */
    async owners(site: string): Promise<StagedOwners> {
      return (await staged(site)).owners;
    },

    /** The account traits the filters can name, the most common first. */
    async accountTraitKeys(site: string): Promise<string[]> {
      const { owners } = await staged(site);
      const seen = new Map<string, number>();
      for (const traits of owners.accountTraits.values()) for (const key of Object.keys(traits)) seen.set(key, (seen.get(key) ?? 0) + 1);
      return [...seen].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([key]) => key);
    },

    /** Credit per channel, campaign and touchpoint by one attribution model. */
    async attribution(site: string, queryString: QueryString) {
      const { model: attribution } = parse(attributionOptions, flat(queryString), 'query');
      const at = await read(site, queryString);
      const report = attributionReport(chosen(at), attribution, at.query.conversion, at.query.range, defaultMilestones(model));
      return { ...header(at), by: at.query.by, ...report, model: attribution, conversion: conversionName(at.query.conversion) };
    },
  };
}
