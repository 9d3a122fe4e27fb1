/**
 * The dashboard at /dashboard, served by the collector on every runtime: sign in with the secret
 * key, then the journey map. Pages are rendered on the server with every value escaped, under a
 * Content-Security-Policy that allows only the collector's own stylesheet: no script runs at all.
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import type { CollectorConfig } from '../config.ts';
import type { AnalyticsReports, QueryString } from '../analytics/reports.ts';
import { ApiError } from '../http/errors.ts';
import { stylesheet } from './assets.ts';
import { markup, page, type Html } from './layout.ts';
import { overview, type OverviewFilters } from './overview.ts';
import { attributionPage, pathsPage, type CreditFilters } from './credit.ts';
import { accountList, pageSize, personList } from './directory.ts';
import { accountPage, personPage } from './journeys.ts';
import type { journeyReports } from '../journey/route.ts';
import type { Storage } from '../storage/port.ts';
import { subscribe } from '../webhooks/route.ts';
import { webhooksPage } from './webhooks.ts';
import { signedIn, signIn, signOut } from './session.ts';

const policy = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');

export interface DashboardOptions {
  config: CollectorConfig;
  storage: Storage;
  reports: AnalyticsReports;
  journeys: ReturnType<typeof journeyReports>;
  /** A first stage subscription's baseline (webhooks/route.ts, subscribe). */
  baseline: (site: string) => Promise<void>;
  now: () => number;
}

export function dashboardRoutes({ config, storage, reports, journeys, baseline, now }: DashboardOptions): Hono {
  const app = new Hono();
  const site = config.writeKeys[0]!.site;
  const labels = new Map(config.stageModel.stages.map((stage) => [stage.id, stage.labels]));

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', policy);
    if (!c.req.path.startsWith('/dashboard/assets/')) c.header('Cache-Control', 'no-store');
  });
  // Forms post only from pages of this host. Behind a TLS-terminating proxy the collector sees
  // http while the browser's Origin says https: the host decides. The session cookie is
  // SameSite=Strict besides.
  app.use('*', csrf({ origin: (origin, c) => URL.canParse(origin) && new URL(origin).host === new URL(c.req.url).host }));

  app.get('/assets/dashboard.css', (c) => c.body(stylesheet, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  const signInPage = (c: Context, problem?: string) =>
    c.html(
      page({
        title: 'Sign in',
        signedIn: false,
        body: markup`<div class="sign-in"><h1>Sign in</h1>
${problem ? markup`<p class="error" role="alert">${problem}</p>` : ''}
<form class="sign-in" method="post" action="/dashboard/login">
<div class="field"><label for="secret-key">Secret key</label><input id="secret-key" type="password" name="key" autocomplete="current-password" required autofocus></div>
<button class="primary" type="submit">Sign in</button>
</form>
<p class="as-of">The collector's secret key (JOURNEY_SECRET_KEY). Write keys cannot sign in.</p></div>`,
      }),
      problem ? 401 : 200,
    );

  app.get('/login', async (c) => ((await signedIn(c, config.secretKey, now())) ? c.redirect('/dashboard', 303) : signInPage(c)));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const key = typeof form['key'] === 'string' ? form['key'].trim() : '';
    if (await signIn(c, key, config.secretKey, now())) return c.redirect('/dashboard', 303);
    return signInPage(c, 'That is not the secret key.');
  });
  app.post('/logout', (c) => {
    signOut(c);
    return c.redirect('/dashboard/login', 303);
  });

  app.use('*', async (c, next) => {
    if (!(await signedIn(c, config.secretKey, now()))) return c.redirect('/dashboard/login', 303);
    return next();
  });

  /** A page from reports; filters the reports refuse make a 400 page that names them. */
  const answer = async (c: Context, title: string, current: string, render: () => Promise<Html>) => {
    try {
      return c.html(page({ title, current, body: await render() }));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      const problems = (error.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      return c.html(page({ title, current, body: markup`<h1>${title}</h1><p class="error" role="alert">These filters do not work: ${problems.join('; ') || error.message}</p><p><a href="${current}">Clear the filters</a></p>` }), 400);
    }
  };

  app.get('/', (c) =>
    answer(c, 'Journey map', '/dashboard', async () => {
      const filters = overviewFilters(c);
      const query = queryOf(c);
      const traitKeys = await reports.accountTraitKeys(site);
      const [funnel, map] = [await reports.funnel(site, query), await reports.journeyMap(site, query)];
      return overview({ funnel, map, filters, traitKeys, labels });
    }),
  );

  app.get('/attribution', (c) =>
    answer(c, 'Attribution', '/dashboard/attribution', async () => attributionPage(await reports.attribution(site, queryOf(c)), creditFilters(c), labels)),
  );

  app.get('/paths', (c) =>
    answer(c, 'Paths', '/dashboard/paths', async () => {
      const steps = Math.min(6, Math.max(2, Math.floor(Number(c.req.query('steps'))) || 4));
      const query = { ...queryOf(c), steps: [String(steps)], top: ['12'] };
      return pathsPage(await reports.paths(site, query), creditFilters(c), labels, steps);
    }),
  );

  const directoryQuery = (c: Context) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const offset = Math.min(1_000_000, Math.max(0, Math.floor(Number(c.req.query('offset')) || 0)));
    return { q, offset, query: { ...(q && { q: [q] }), limit: [String(pageSize)], offset: [String(offset)] } };
  };
  app.get('/accounts', async (c) => {
    const { q, offset, query } = directoryQuery(c);
    return c.html(page({ title: 'Accounts', current: '/dashboard/accounts', body: accountList(await reports.accounts(site, query), q, offset, labels) }));
  });
  app.get('/people', async (c) => {
    const { q, offset, query } = directoryQuery(c);
    return c.html(page({ title: 'People', current: '/dashboard/people', body: personList(await reports.persons(site, query), q, offset, labels) }));
  });
  const missing = (c: Context, what: string, ref: string) =>
    c.html(page({ title: `No such ${what}`, body: markup`<h1>No ${what} is known as “${ref}”</h1><p><a href="${`/dashboard/${what === 'person' ? 'people' : 'accounts'}`}">Back to the list</a></p>` }), 404);
  app.get('/accounts/:ref', async (c) => {
    const ref = c.req.param('ref').slice(0, 200);
    const found = await journeys.account(site, ref);
    if (!found) return missing(c, 'account', ref);
    return c.html(page({ title: found.record.id, current: '/dashboard/accounts', body: accountPage(found, labels) }));
  });
  app.get('/people/:ref', async (c) => {
    const ref = c.req.param('ref').slice(0, 200);
    const found = await journeys.person(site, ref);
    if (!found) return missing(c, 'person', ref);
    return c.html(page({ title: found.record.id, current: '/dashboard/people', body: personPage(found, labels) }));
  });

  const webhooks = async (c: Context, problem?: string) => {
    const list = await Promise.all((await storage.listWebhooks(site)).map(async (webhook) => ({ webhook, deliveries: await storage.listDeliveries(site, webhook.id, { limit: 10 }) })));
    return c.html(page({ title: 'Webhooks', current: '/dashboard/webhooks', body: webhooksPage(list, labels, problem) }), problem ? 400 : 200);
  };
  app.get('/webhooks', (c) => webhooks(c));
  app.post('/webhooks', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const all = (name: string) => [form[name] ?? []].flat().filter((value): value is string => typeof value === 'string');
    const stages = all('stages');
    // "industry=Software; employees=50..200"
    const pairs = (all('account')[0] ?? '').split(';').map((pair) => pair.split('=').map((part) => part.trim())).filter(([key]) => key);
    const account = Object.fromEntries(pairs.map(([key, value]) => [key, value ?? '']));
    const identified = all('identified')[0] === 'yes';
    const filter = { ...(stages.length && { stages }), ...(pairs.length && { account }), ...(identified && { identified }) };
    const input = { url: all('url')[0]?.trim(), secret: all('secret')[0], events: all('events'), ...(Object.keys(filter).length && { filter }) };
    try {
      await subscribe(storage, site, input, now(), baseline);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      return webhooks(c, `Not subscribed: ${(error.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') || error.message}`);
    }
    return c.redirect('/dashboard/webhooks', 303);
  });
  app.post('/webhooks/:id/delete', async (c) => {
    await storage.deleteWebhook(site, c.req.param('id'));
    return c.redirect('/dashboard/webhooks', 303);
  });
  app.post('/webhooks/:id/deliveries/:delivery/replay', async (c) => {
    await storage.replayDelivery(site, c.req.param('id'), c.req.param('delivery'), now());
    return c.redirect('/dashboard/webhooks', 303);
  });

  return app;
}

const field = (c: Context, name: string) => (c.req.query(name) ?? '').trim().slice(0, 200);

function overviewFilters(c: Context): OverviewFilters {
  return { from: field(c, 'from'), to: field(c, 'to'), channel: field(c, 'channel'), by: field(c, 'by') === 'account' ? 'account' : 'person', trait: field(c, 'trait'), value: field(c, 'value') };
}

function creditFilters(c: Context): CreditFilters {
  return { from: field(c, 'from'), to: field(c, 'to'), by: field(c, 'by') === 'account' ? 'account' : 'person', conversion: field(c, 'conversion'), model: field(c, 'model'), steps: field(c, 'steps') };
}

/** The forms' fields as the reports' query string: empty fields left out, the trait as `account.<key>`. */
function queryOf(c: Context): QueryString {
  const query: QueryString = {};
  for (const name of ['from', 'to', 'channel', 'by', 'conversion', 'model']) {
    const value = field(c, name);
    if (value) query[name] = [value];
  }
  const [trait, value] = [field(c, 'trait'), field(c, 'value')];
  if (trait && value) query[`account.${trait}`] = [value];
  return query;
}
