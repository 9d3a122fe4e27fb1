import { Hono, type Context } from 'hono';
import { createCollector, type CollectorJobs } from '../app.ts';
import { deliveryBatch } from '../webhooks/deliver.ts';
import { scriptRoutes } from '../script/route.ts';
import { withWriteKey } from '../site-token.ts';
import { settingsFromEnv, type ServerEnv, type ServerSettings } from '../server/env.ts';
import { openD1Storage } from '../storage/d1/index.ts';
import type { D1Binding } from '../storage/d1/binding.ts';
import { ApiError, errorResponse } from '../http/errors.ts';
import { readRawBody } from '../http/read-body.ts';
import { limits } from '@journey/protocol';
import { importLimits } from '../import/parse.ts';

/** Static assets (wrangler's `assets` with a binding): the SDK build and, optionally, a site. */
interface Assets {
  fetch(request: Request): Promise<Response>;
}

interface CollectorNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

/** The bindings and variables of wrangler.jsonc; secrets (JOURNEY_SECRET_KEY) arrive the same way. */
export interface WorkerEnv extends ServerEnv {
  DB: D1Binding;
  COLLECTOR: CollectorNamespace;
  ASSETS?: Assets;
}

/** Set by the Worker for the Durable Object: request.cf does not travel with a forwarded request. */
const countryHeader = 'journey-country';

/**
 * The Cloudflare Workers entry. Every write must see everything committed before it (the identity
 * graph is recomputed from its facts), and D1 cannot hold a transaction, so one Durable Object
 * runs the collector, as one process does on Node: the Worker forwards the API and the dashboard
 * to it and serves the SDK and the site itself, from static assets, anywhere on the edge.
 */
export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    // The API and the dashboard run in the Durable Object, where the staged journeys are kept.
    if (pathname.startsWith('/v1/') || pathname === '/health' || pathname === '/dashboard' || pathname.startsWith('/dashboard/')) {
      // The body is read here, whole and within the limit, before it is forwarded: a Durable
      // Object that refused an upload unread would leave the Worker's copy of the stream broken,
      // and the client would get a lost connection instead of the 413.
      let body: Uint8Array | null = null;
      if (request.body !== null) {
        try {
          body = await readRawBody(request, pathname === '/v1/import' ? importLimits.bytes : limits.requestBytes);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
        }
      }
      const forwarded = new Request(request, { body: body as Uint8Array<ArrayBuffer> | null });
      forwarded.headers.delete(countryHeader); // only the Worker says where a request came from
      const country = (request as Request & { cf?: { country?: unknown } }).cf?.country;
      if (typeof country === 'string') forwarded.headers.set(countryHeader, country);
      return env.COLLECTOR.get(env.COLLECTOR.idFromName('collector')).fetch(forwarded);
    }
    return edge(env).fetch(request, env);
  },

  /**
   * The Cron Trigger (wrangler.jsonc, every minute): the Durable Object sends due webhook
   * deliveries and follows the journeys whose stage changes someone wants. The path it is told
   * on is one the Worker never forwards from outside.
   */
  async scheduled(_controller: unknown, env: WorkerEnv, context: { waitUntil(work: Promise<unknown>): void }): Promise<void> {
    context.waitUntil(env.COLLECTOR.get(env.COLLECTOR.idFromName('collector')).fetch(new Request(`https://collector.internal${cronPath}`, { method: 'POST' })));
  },
};

/** Where the Worker tells the Durable Object that its Cron Trigger fired. */
const cronPath = '/__journey/cron';

/** The Durable Object that runs the collector on D1. Its name in wrangler.jsonc: JourneyCollector. */
export class JourneyCollector {
  readonly #app: Promise<Hono>;
  #jobs: CollectorJobs | undefined;
  constructor(_state: unknown, env: WorkerEnv) {
    this.#app = (async () => {
      const settings = configured(env);
      return createCollector({
        storage: await openD1Storage(env.DB),
        // No background follow: a timer would keep the Durable Object awake (and billed); its
        // journeys follow changes when a query asks. No warm-up: every wake (an ingestion
        // request's too) would stage everyone.
        config: { ...settings.collector, writeKeys: settings.writeKeys!, secretKey: settings.secretKey!, analyticsWarmUp: false, analyticsFollowInterval: 0, analyticsSaveInterval: 0, webhookInterval: 0 },
        clientIp: (c) => c.req.header('cf-connecting-ip'),
        clientCountry: (c) => c.req.header(countryHeader),
        background: (jobs) => (this.#jobs = jobs),
      });
    })();
    this.#app.catch(() => {}); // reported per request below
  }

  async fetch(request: Request): Promise<Response> {
    let app: Hono;
    try {
      app = await this.#app;
    } catch (error) {
      return notConfigured(error);
    }
    if (new URL(request.url).pathname === cronPath && this.#jobs) {
      await this.#jobs.followStages();
      // A full pass may leave more due: a few more, within the invocation's time.
      for (let pass = 0; pass < 5 && (await this.#jobs.deliverWebhooks()) >= deliveryBatch; pass++);
      return new Response(null, { status: 204 });
    }
    return app.fetch(request);
  }
}

let edgeApp: Hono | undefined;
/** What the Worker answers itself: the SDK script and the site's pages, with the write key filled in. */
function edge(env: WorkerEnv): Hono {
  if (edgeApp) return edgeApp;
  const app = new Hono();
  let settings: ServerSettings;
  try {
    settings = configured(env);
  } catch (error) {
    app.all('*', () => notConfigured(error));
    return app;
  }
  const asset = async (path: string) => env.ASSETS?.fetch(new Request(new URL(path, 'https://assets.invalid')));
  app.route('/', scriptRoutes(settings.collector.scriptPath ?? '/journey.js', async () => {
    const response = await asset('/journey.js');
    return response?.ok ? response.text() : null;
  }));
  app.get('*', async (c: Context) => {
    const response = await env.ASSETS?.fetch(c.req.raw);
    if (!response || response.status === 404) return errorResponse(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
    if (!response.headers.get('content-type')?.startsWith('text/html')) return response;
    return new Response(withWriteKey(await response.text(), settings.writeKeys![0]!.key), response);
  });
  return (edgeApp = app);
}

/** Workers have no disk for keys.json: both keys must be configured. */
function configured(env: WorkerEnv): ServerSettings {
  const settings = settingsFromEnv(env);
  if (!settings.writeKeys || !settings.secretKey) {
    throw new Error('Set JOURNEY_WRITE_KEYS in wrangler.jsonc ("vars") and the secret key with `npx wrangler secret put JOURNEY_SECRET_KEY` (locally: .dev.vars)');
  }
  return settings;
}

function notConfigured(error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error);
  return Response.json({ error: { code: 'not_configured', message } }, { status: 500 });
}
