import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '../packages/collector/src/webhooks/signature.ts';
import { startCollector, tempDir, type CollectorProcess } from './support.ts';

const writeKey = 'wk_webhooks_0123456789';
const secretKey = 'sk_webhooks_0123456789abcdef';
const secret = 'whsec_restart_0123456789';

describe('webhooks across a crash of the collector', () => {
  const data = tempDir('webhooks');
  const running: CollectorProcess[] = [];
  let server: Server | undefined;
  afterAll(async () => {
    for (const collector of running) if (collector.child.exitCode === null) collector.child.kill('SIGKILL');
    await Promise.all(running.map((collector) => collector.exited));
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    data.remove();
  });

  it('delivers every event stored before a kill -9, after the restart, signed, each under its one delivery id', { timeout: 60_000 }, async () => {
    // The receiver refuses while the first collector runs: everything waits in the outbox.
    let accepting = false;
    const received: Array<{ delivery: string; body: string; signature: string }> = [];
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (accepting) received.push({ delivery: String(request.headers['journey-delivery']), body, signature: String(request.headers['journey-signature']) });
        response.statusCode = accepting ? 200 : 503;
        response.end();
      });
    });
    await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/journey`;

    const env = { JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey };
    const first = await startCollector(env);
    running.push(first);
    const admin = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
    const webhook = await (await fetch(`${first.url}/v1/webhooks`, { method: 'POST', headers: admin, body: JSON.stringify({ url, secret, events: ['person.identified', 'form.abandoned'] }) })).json();
    const batch = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? { type: 'identify', messageId: `id-${i}`, anonymousId: `device-${i}`, userId: `u-${i}`, timestamp: '2026-03-01T09:00:00Z' }
        : { type: 'track', messageId: `left-${i}`, anonymousId: `device-${i}`, event: 'Form Abandoned', properties: { formId: 'demo' }, timestamp: '2026-03-01T09:00:00Z' },
    );
    const sent = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` }, body: JSON.stringify({ batch }) });
    expect((await sent.json()).accepted).toBe(20);
    first.child.kill('SIGKILL');
    await first.exited;

    accepting = true;
    const second = await startCollector(env);
    running.push(second);
    // Refused attempts wait their backoff (30 s at most 36); the never-tried go at once.
    await vi.waitFor(() => expect(new Set(received.map((request) => request.delivery)).size).toBe(20), { timeout: 50_000, interval: 250 });
    const deliveries = (await (await fetch(`${second.url}/v1/webhooks/${webhook.id}/deliveries?limit=100`, { headers: admin })).json()).deliveries;
    expect(deliveries.map((delivery: any) => delivery.status)).toEqual(Array(20).fill('delivered'));
    expect(new Set(received.map((request) => request.delivery))).toEqual(new Set(deliveries.map((delivery: any) => delivery.id)));
    for (const request of received) expect(await verifySignature(secret, request.body, request.signature, Date.now())).toBe(true);
    expect(received.map((request) => JSON.parse(request.body).cause.messageId).sort()).toEqual(batch.map((event) => event.messageId).sort());
  });
});
