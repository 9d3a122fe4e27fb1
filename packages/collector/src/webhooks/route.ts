/**
 * The webhook admin API (secret key): subscribe a URL to journey events, list and remove
 * subscriptions, read a subscription's deliveries (the dead-letter list is `?status=dead`) and
 * replay one, with the same delivery id.
 */
import { Hono } from 'hono';
import * as z from 'zod';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import type { Delivery, Webhook } from '../storage/webhooks.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { ApiError } from '../http/errors.ts';
import { parse, refAndSite } from '../http/params.ts';
import { webhookEvents } from './events.ts';
import { wantsStages } from './stage-changes.ts';

const subscription = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** Receivers verify signatures with it: long enough not to be guessed. */
  secret: z.string().min(16).max(200),
  events: z.array(z.enum(webhookEvents)).min(1).max(webhookEvents.length),
  filter: z
    .strictObject({
      /** Stage changes into these stages only. */
      stages: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
      /** Accounts with these traits only: text, or numbers as `min..max`. */
      account: z
        .record(z.string().min(1).max(100), z.string().trim().min(1).max(200))
        .refine((traits) => Object.keys(traits).length >= 1 && Object.keys(traits).length <= 10, 'one to ten account traits')
        .optional(),
      /** People known by a user id or an email only: anonymous visitors' stage changes and abandoned forms are left out. */
      identified: z.boolean().optional(),
    })
    .optional(),
});
const deliveryQuery = z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/**
 * Checks and stores a subscription (the API's body, the dashboard's form). Stage changes are seen
 * by following the site's staging: staged, and where everyone is recorded, before this resolves,
 * so every change after it is announced.
 */
export async function subscribe(storage: Storage, site: string, input: unknown, now: number, baseline: (site: string) => Promise<void>): Promise<Webhook> {
  const body = parse(subscription, input, 'body');
  const tracked = await wantsStages(storage, site);
  const webhook = await storage.createWebhook(site, { ...body, events: [...new Set(body.events)] }, now);
  if (!tracked && webhook.events.some((event) => event.endsWith('.stage_changed'))) await baseline(site);
  return webhook;
}

/** A subscription as the API shows it: never its secret. */
const shown = ({ secret: _secret, site: _site, createdAt, ...webhook }: Webhook) => ({ ...webhook, createdAt: new Date(createdAt).toISOString() });
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const deliveryShown = (delivery: Delivery) => ({
  id: delivery.id,
  event: delivery.event,
  status: delivery.status,
  attempts: delivery.attempts,
  createdAt: iso(delivery.createdAt),
  nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
  deliveredAt: iso(delivery.deliveredAt),
  lastStatus: delivery.lastStatus,
  lastError: delivery.lastError,
  payload: JSON.parse(delivery.payload) as unknown,
});

export function webhookRoutes(config: CollectorConfig, storage: Storage, now: () => number, baseline: (site: string) => Promise<void>): Hono {
  const app = new Hono();
  const { siteOf } = refAndSite(config.writeKeys[0]!.site);
  app.use('/webhooks', requireSecretKey(config));
  app.use('/webhooks/*', requireSecretKey(config));
  const notFound = (id: string) => new ApiError(404, 'webhook_not_found', `No webhook has the id "${id}"`);

  app.post('/webhooks', async (c) => c.json(shown(await subscribe(storage, siteOf(c), await c.req.json().catch(() => undefined), now(), baseline)), 201));
  app.get('/webhooks', async (c) => c.json({ webhooks: (await storage.listWebhooks(siteOf(c))).map(shown) }));
  app.delete('/webhooks/:id', async (c) => {
    if (!(await storage.deleteWebhook(siteOf(c), c.req.param('id')))) throw notFound(c.req.param('id'));
    return c.body(null, 204);
  });
  app.get('/webhooks/:id/deliveries', async (c) => {
    const site = siteOf(c);
    const { status, limit } = parse(deliveryQuery, c.req.query(), 'query');
    if (!(await storage.listWebhooks(site)).some((webhook) => webhook.id === c.req.param('id'))) throw notFound(c.req.param('id'));
    return c.json({ deliveries: (await storage.listDeliveries(site, c.req.param('id'), { ...(status && { status }), limit })).map(deliveryShown) });
  });
  app.post('/webhooks/:id/deliveries/:delivery/replay', async (c) => {
    const replayed = await storage.replayDelivery(siteOf(c), c.req.param('id'), c.req.param('delivery'), now());
    if (!replayed) throw new ApiError(404, 'delivery_not_found', `Webhook "${c.req.param('id')}" has no delivery "${c.req.param('delivery')}"`);
    return c.json(deliveryShown(replayed), 202);
  });
  return app;
}
