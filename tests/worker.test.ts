import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { verifySignature } from '../packages/collector/src/webhooks/signature.ts';
import { ingestionSuite, suiteKeys } from './ingestion-suite.ts';
import { startWorker } from './worker.ts';

const vars = { JOURNEY_WRITE_KEYS: suiteKeys.writeKey, JOURNEY_SECRET_KEY: suiteKeys.secretKey };

// The HTTP ingestion suite against the Worker in workerd, on the example's local D1.
ingestionSuite('Cloudflare Worker + D1 (workerd)', () => startWorker(vars));

describe('the Cloudflare Worker example', () => {
  it('serves the demo site with its write key, the SDK, and the country Cloudflare reports', { timeout: 90_000 }, async () => {
    const worker = await startWorker(vars);
    try {
      const page = await (await fetch(`${worker.url}/`)).text();
      expect(page).toContain(`data-write-key="${suiteKeys.writeKey}"`);
      const script = await fetch(`${worker.url}/journey.js`);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect(await script.text()).toContain('journey');

      // A client cannot claim a country: only the Worker sets it, from request.cf.
      await fetch(`${worker.url}/v1/track`, {
        method: 'POST',
        headers: { Authorization: `Basic ${btoa(`${suiteKeys.writeKey}:`)}`, 'Content-Type': 'application/json', 'Journey-Country': 'ZZ' },
        body: JSON.stringify({ messageId: 'worker-country', anonymousId: 'worker-device', event: 'Visited' }),
      });
      const events = (await (await fetch(`${worker.url}/v1/events?anonymousId=worker-device`, { headers: { Authorization: `Bearer ${suiteKeys.secretKey}` } })).json()).events;
      expect(events).toHaveLength(1);
      expect(events[0].client.country).not.toBe('ZZ');
      expect(events[0].context.ip).toMatch(/^127\.0\.0\.0$|^::$/);
    } finally {
      await worker.stop();
    }
  });

  it('sends webhook deliveries, signed, when its Cron Trigger fires', { timeout: 90_000 }, async () => {
    const received: Array<{ delivery: string; signature: string; body: string }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ delivery: String(request.headers['journey-delivery']), signature: String(request.headers['journey-signature']), body });
        response.end();
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    const worker = await startWorker(vars);
    try {
      const admin = { Authorization: `Bearer ${suiteKeys.secretKey}`, 'Content-Type': 'application/json' };
      const secret = 'whsec_worker_0123456789';
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/journey`;
      expect((await fetch(`${worker.url}/v1/webhooks`, { method: 'POST', headers: admin, body: JSON.stringify({ url, secret, events: ['person.identified'] }) })).status).toBe(201);
      await fetch(`${worker.url}/v1/identify`, { method: 'POST', headers: { Authorization: `Basic ${btoa(`${suiteKeys.writeKey}:`)}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: 'worker-identify', anonymousId: 'worker-device-2', userId: 'u-worker' }) });
      // No timers in a Worker: nothing goes until the Cron Trigger fires.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received).toEqual([]);
      expect((await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`)).ok).toBe(true);
      await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 10_000 });
      expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'person.identified', person: { userId: 'u-worker' }, id: received[0]!.delivery });
      expect(await verifySignature(secret, received[0]!.body, received[0]!.signature, Date.now())).toBe(true);
      // From outside, the path the Worker tells its Durable Object on is not there.
      expect((await fetch(`${worker.url}/__journey/cron`, { method: 'POST' })).status).toBe(404);
    } finally {
      await worker.stop();
      await new Promise((done) => receiver.close(done));
    }
  });

  it('answers with what to configure when the secret key is missing', { timeout: 90_000 }, async () => {
    const worker = await startWorker({ JOURNEY_WRITE_KEYS: suiteKeys.writeKey, JOURNEY_SECRET_KEY: '' });
    try {
      for (const path of ['/health', '/']) {
        const response = await fetch(`${worker.url}${path}`);
        expect(response.status).toBe(500);
        expect((await response.json()).error).toMatchObject({ code: 'not_configured', message: expect.stringContaining('wrangler secret put JOURNEY_SECRET_KEY') });
      }
    } finally {
      await worker.stop();
    }
  });
});
