/**
 * Sends due deliveries: each signed (Journey-Signature), named (Journey-Delivery, the same on every
 * attempt and replay) and typed (Journey-Event), as a JSON POST. A 2xx is delivered; anything
 * else, a timeout or a refused connection is tried again later (backoff.ts) until 24 hours have
 * passed, then it is dead and waits for a replay. Servers run passes every second (app.ts), a
 * Worker on its Cron Trigger; the outbox is in the database, so a restart loses nothing.
 */
import type { WebhookStore } from '../storage/port.ts';
import type { Delivery } from '../storage/webhooks.ts';
import { nextAttempt } from './backoff.ts';
import { signature } from './signature.ts';

export interface DeliveryOptions {
  storage: WebhookStore;
  /** The subscription's URL and secret, by its id (deliveries of a removed one are gone with it). */
  webhook: (delivery: Delivery) => Promise<{ url: string; secret: string } | null>;
  now: () => number;
  fetch?: typeof fetch;
  /** How long a receiver may take to answer (ms). */
  timeout?: number;
  /** Deliveries per pass. */
  batch?: number;
}

/** Deliveries one pass sends at most (a full pass: another follows at once). */
export const deliveryBatch = 20;

/** One pass over what is due; resolves with how many were attempted. */
export async function deliverDue(options: DeliveryOptions): Promise<number> {
  const send = options.fetch ?? fetch;
  const timeout = options.timeout ?? 10_000;
  // Held long enough for every attempt of the pass to time out, and then some.
  const due = await options.storage.claimDeliveries(options.batch ?? deliveryBatch, timeout * 2 + 30_000, options.now());
  await Promise.all(
    due.map(async (delivery) => {
      const webhook = await options.webhook(delivery);
      if (!webhook) return;
      const at = options.now();
      try {
        const response = await send(webhook.url, {
          method: 'POST',
          body: delivery.payload,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'Journey-Webhooks/1',
            'Journey-Delivery': delivery.id,
            'Journey-Event': delivery.event,
            'Journey-Signature': await signature(webhook.secret, delivery.payload, at),
          },
          redirect: 'manual',
          signal: AbortSignal.timeout(timeout),
        });
        await response.body?.cancel().catch(() => {});
        if (response.status >= 200 && response.status < 300) return options.storage.settleDelivery(delivery.id, { delivered: true, at: options.now(), status: response.status });
        await options.storage.settleDelivery(delivery.id, { delivered: false, at: options.now(), status: response.status, error: `answered ${response.status}`, nextAttemptAt: nextAttempt(delivery.attempts + 1, delivery.createdAt, options.now()) });
      } catch (error) {
        const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${timeout} ms` : error.message) : String(error);
        await options.storage.settleDelivery(delivery.id, { delivered: false, at: options.now(), status: null, error: reason, nextAttemptAt: nextAttempt(delivery.attempts + 1, delivery.createdAt, options.now()) });
      }
    }),
  );
  return due.length;
}
