import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { collectorConfig, type CollectorSettings } from './config.ts';
import type { Storage } from './storage/port.ts';
import { IdentityConflictError, StorageUnavailableError } from './storage/port.ts';
import { ApiError, errorResponse } from './http/errors.ts';
import { ingestRoutes } from './ingest/route.ts';
import { eventRoutes } from './events/route.ts';
import { identityRoutes } from './persons/route.ts';
import { journeyReports, journeyRoutes } from './journey/route.ts';
import { importRoutes } from './import/route.ts';
import { analyticsRoutes } from './analytics/route.ts';
import { analyticsReports } from './analytics/reports.ts';
import { dashboardRoutes } from './dashboard/route.ts';
import { webhookRoutes } from './webhooks/route.ts';
import { exportRoutes } from './export/route.ts';
import { deliverDue, deliveryBatch } from './webhooks/deliver.ts';
import { repeat } from './background.ts';
import { wantsStages } from './webhooks/stage-changes.ts';
import { scriptRoutes, type ScriptSource } from './script/route.ts';

export interface CollectorOptions {
  storage: Storage;
  config: CollectorSettings;
  /** The client's IP as the runtime sees it (Node: the socket; Workers: cf-connecting-ip). */
  clientIp?: (c: Context) => string | undefined;
  /** The client's country (ISO 3166-1 alpha-2) where the platform tells it (Workers: request.cf.country). */
  clientCountry?: (c: Context) => string | undefined;
  /** The SDK's script-tag build, served at config.scriptPath. */
  script?: ScriptSource;
  /** Where unexpected errors are reported. Never given secrets or request bodies. */
  log?: (message: string, error: unknown) => void;
  now?: () => number;
  /** Receives the background jobs, for a runtime that runs them itself (a Worker's Cron Trigger). */
  background?: (jobs: CollectorJobs) => void;
}

/** The collector's background work, one pass each. */
export interface CollectorJobs {
  /** Sends the webhook deliveries due now; resolves with how many were tried. */
  deliverWebhooks(): Promise<number>;
  /** Follows the journeys of sites with stage-change subscriptions, announcing their moves. */
  followStages(): Promise<void>;
  /** Saves each site's staging where it is newer than the one saved: a server stopping (its next start reads it back current). */
  saveStagings(): Promise<void>;
}

/**
 * The collector as a Hono app on Web-standard APIs only, so Node, Bun, Deno and Workers all run
 * this same code; their entries only supply storage, the client IP and the script.
 */
export function createCollector(options: CollectorOptions): Hono {
  const config = collectorConfig(options.config);
  const { storage } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message, error) => console.error(message, error));

  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      // Any site may load journey.js and read the ingestion answers (CORS decides who may send).
      crossOriginResourcePolicy: 'cross-origin',
      // Hono's default, no-referrer, would hide from the SDK which page a visitor came from on
      // sites the collector serves; this is the browsers' own default.
      referrerPolicy: 'strict-origin-when-cross-origin',
    }),
  );

  app.route('/v1', ingestRoutes({ config, storage, clientIp: options.clientIp ?? (() => undefined), clientCountry: options.clientCountry ?? (() => undefined), now }));
  app.route('/v1/events', eventRoutes(config, storage));
  const reports = analyticsReports(config, storage, now, log);
  app.route('/v1', identityRoutes(config, storage, (site) => reports.erased(site)));
  app.route('/v1', journeyRoutes(config, storage));
  app.route('/v1', importRoutes(config, storage, now));
  app.route('/v1', analyticsRoutes(config, reports));
  app.route('/v1', exportRoutes(config, storage, reports));
  app.route('/v1', webhookRoutes(config, storage, now, (site) => reports.baseline(site)));
  app.route('/dashboard', dashboardRoutes({ config, storage, reports, journeys: journeyReports(config, storage), baseline: (site) => reports.baseline(site), now }));
  app.route('/', scriptRoutes(config.scriptPath, options.script ?? (() => null)));

  // Background work: following the journeys of sites whose stage changes someone wants, and
  // sending due webhook deliveries. Servers run it on timers; a Worker on its Cron Trigger.
  const secrets = new Map<string, { url: string; secret: string }>();
  const jobs: CollectorJobs = {
    deliverWebhooks: () =>
      deliverDue({
        storage,
        now,
        webhook: async (delivery) => {
          if (!secrets.has(delivery.webhookId)) for (const hook of await storage.listWebhooks(delivery.site)) secrets.set(hook.id, hook);
          return secrets.get(delivery.webhookId) ?? null;
        },
      }),
    async followStages() {
      for (const site of new Set(config.writeKeys.map((key) => key.site))) if (await wantsStages(storage, site)) await reports.watch(site);
    },
    saveStagings: () => reports.saveStagings(),
  };
  options.background?.(jobs);
  if (config.webhookInterval > 0) {
    // From the start where someone subscribed; then the analytics follow keeps them current.
    jobs.followStages().catch((error: unknown) => log('following the journeys for stage-change webhooks failed', error));
    repeat(async () => ({ more: (await jobs.deliverWebhooks()) >= deliveryBatch }), config.webhookInterval);
  }

  app.get('/health', async (c) => {
    await storage.ping();
    return c.json({ status: 'ok' });
  });

  app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    // Hono's own middleware (the dashboard's CSRF check) says what went wrong with its status.
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof IdentityConflictError) return errorResponse(c, new ApiError(409, 'identity_conflict', error.message));
    if (error instanceof StorageUnavailableError) {
      log('storage unavailable', error.cause ?? error);
      return errorResponse(
        c,
        new ApiError(503, 'storage_unavailable', 'Storage is unavailable; nothing was stored, retry later', {
          headers: { 'Retry-After': '5' },
        }),
      );
    }
    log(`unexpected error in ${c.req.method} ${c.req.path}`, error);
    return errorResponse(c, new ApiError(500, 'internal_error', 'Something went wrong on our side; nothing was stored'));
  });
  return app;
}
