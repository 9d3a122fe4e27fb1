import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { parse, refAndSite } from '../http/params.ts';
import { attributionModels } from '../journey/attribution.ts';
import { attributionReport, defaultMilestones } from './attribution-report.ts';
import { conversionName } from './conversion.ts';
import { filterOwners } from './filters.ts';
import { frictionPoints, funnel } from './funnel.ts';
import { journeyMap } from './journey-map.ts';
import type { DateRange, StagedOwner } from './owner.ts';
import { paths } from './paths.ts';
import { analyticsQuery, type AnalyticsQuery } from './query.ts';
import { createSnapshots } from './snapshots.ts';
import { keptStaging } from './kept-staging.ts';
import { traitKeysOf, type StagedOwners } from './staged-owners.ts';

const iso = (range: DateRange) => ({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });

const pathOptions = z.object({ steps: z.coerce.number().int().min(1).max(20).default(5), top: z.coerce.number().int().min(1).max(100).default(10) });
const attributionOptions = z.object({ model: z.enum(attributionModels).default('position') });

/**
 * The aggregate journey queries (secret key): the funnel with drop-off, the journey map's stage ×
 * channel matrix, the paths to a conversion and multi-touch attribution. Each reads the site's
 * people and accounts as staged (kept from query to query, following changes), then filters and
 * counts (docs/ANALYTICS.md).
 */
export function analyticsRoutes(config: CollectorConfig, storage: Storage, now: () => number): Hono {
  const app = new Hono();
  const { siteOf } = refAndSite(config.writeKeys[0]!.site);
  const model = config.stageModel;
  for (const path of ['/funnel', '/journey-map', '/paths', '/attribution']) app.use(path, requireSecretKey(config));

  const snapshotOf = createSnapshots({
    version: () => storage.journeyVersion(),
    stage: keptStaging({ storage, model, facts: { personTraits: traitKeysOf(model), autoAccounts: config.autoAccounts } }),
    now,
    maxAge: config.analyticsMaxAge,
  });
  if (config.analyticsWarmUp) {
    // Staged before the first query asks; a failure here is the first query's to report.
    for (const site of new Set(config.writeKeys.map((key) => key.site))) snapshotOf(site).catch(() => {});
  }
  const load = async (c: Context): Promise<{ query: AnalyticsQuery; owners: StagedOwners; asOf: string }> => {
    const query = analyticsQuery(c.req.queries(), model, now());
    const snapshot = await snapshotOf(siteOf(c));
    return { query, owners: snapshot.owners, asOf: new Date(snapshot.at).toISOString() };
  };
  const select = (owners: StagedOwners, list: StagedOwner[], query: AnalyticsQuery) =>
    filterOwners(list, query.filters, query.range, { traitsOf: (id) => owners.accountTraits.get(id), accountOfPerson: (id) => owners.accountOfPerson[id] });
  const chosen = (owners: StagedOwners, query: AnalyticsQuery) => select(owners, query.by === 'person' ? owners.people : owners.accounts, query);
  const header = (query: AnalyticsQuery, asOf: string) => ({ range: iso(query.range), filters: query.filters, model: model.stages.map((stage) => stage.id), asOf });

  app.get('/funnel', async (c) => {
    const { query, owners, asOf } = await load(c);
    const people = funnel(select(owners, owners.people, query), model, query.range);
    const accounts = funnel(select(owners, owners.accounts, query), model, query.range);
    return c.json({ ...header(query, asOf), people: { ...people, frictionPoints: frictionPoints(people) }, accounts: { ...accounts, frictionPoints: frictionPoints(accounts) } });
  });

  app.get('/journey-map', async (c) => {
    const { query, owners, asOf } = await load(c);
    const map = journeyMap(chosen(owners, query), model, query.range);
    return c.json({ ...header(query, asOf), by: query.by, ...map, range: iso(query.range) });
  });

  app.get('/paths', async (c) => {
    const options = parse(pathOptions, c.req.query(), 'query');
    const { query, owners, asOf } = await load(c);
    return c.json({ ...header(query, asOf), by: query.by, conversion: conversionName(query.conversion), ...paths(chosen(owners, query), query.conversion, query.range, options) });
  });

  app.get('/attribution', async (c) => {
    const { model: attribution } = parse(attributionOptions, c.req.query(), 'query');
    const { query, owners, asOf } = await load(c);
    const report = attributionReport(chosen(owners, query), attribution, query.conversion, query.range, defaultMilestones(model));
    return c.json({ ...header(query, asOf), by: query.by, ...report, model: attribution, conversion: conversionName(query.conversion) });
  });

  return app;
}
