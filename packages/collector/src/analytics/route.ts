import { Hono } from 'hono';
import type { CollectorConfig } from '../config.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { refAndSite } from '../http/params.ts';
import type { AnalyticsReports } from './reports.ts';

/**
 * The aggregate journey queries (secret key): the funnel with drop-off, the journey map's stage ×
 * channel matrix, the paths to a conversion and multi-touch attribution, and the lists of
 * accounts and people with their stages, as JSON (reports.ts; docs/ANALYTICS.md).
 */
export function analyticsRoutes(config: CollectorConfig, reports: AnalyticsReports): Hono {
  const app = new Hono();
  const { siteOf } = refAndSite(config.writeKeys[0]!.site);
  for (const path of ['/funnel', '/journey-map', '/paths', '/attribution', '/accounts', '/persons']) app.use(path, requireSecretKey(config));
  app.get('/funnel', async (c) => c.json(await reports.funnel(siteOf(c), c.req.queries())));
  app.get('/journey-map', async (c) => c.json(await reports.journeyMap(siteOf(c), c.req.queries())));
  app.get('/paths', async (c) => c.json(await reports.paths(siteOf(c), c.req.queries())));
  app.get('/attribution', async (c) => c.json(await reports.attribution(siteOf(c), c.req.queries())));
  app.get('/accounts', async (c) => c.json(await reports.accounts(siteOf(c), c.req.queries())));
  app.get('/persons', async (c) => c.json(await reports.persons(siteOf(c), c.req.queries())));
  return app;
}
