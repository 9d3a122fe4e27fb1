import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { secretKey, testCollector } from '../testing/collector.ts';
import { verifySignature } from './signature.ts';

const secret = 'whsec_receiver_0123456789';

/** A real HTTP receiver: answers with what `answer` says, and keeps every request. */
async function receiver(answer: () => number) {
  const received: Array<{ delivery: string; event: string; signature: string; body: string }> = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ delivery: String(request.headers['journey-delivery']), event: String(request.headers['journey-event']), signature: String(request.headers['journey-signature']), body });
      response.statusCode = answer();
      response.end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/journey`, received };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

const identify = (n: number) => ({ type: 'identify', messageId: `identify-${n}`, anonymousId: `device-${n}`, userId: `u-${n}`, timestamp: '2026-03-01T09:00:00Z', traits: { email: `person${n}@northwind.io` } });

describe('webhooks', () => {
  it('subscribes, and answers bad subscriptions with 400 and write keys with 403', async () => {
    const { app, post } = await testCollector();
    const admin = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
    const create = (body: unknown) => app.request('/v1/webhooks', { method: 'POST', body: JSON.stringify(body), headers: admin });
    const bad = await create({ url: 'ftp://x', secret: 'short', events: ['person.sneezed'] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues.map((issue: any) => issue.path[0]).sort()).toEqual(['events', 'secret', 'url']);
    const made = await create({ url: 'https://ma.example/hook', secret, events: ['person.identified', 'person.identified'] });
    expect(made.status).toBe(201);
    const webhook = await made.json();
    expect(webhook).toMatchObject({ url: 'https://ma.example/hook', events: ['person.identified'] });
    expect(JSON.stringify(webhook)).not.toContain(secret);
    expect((await (await app.request('/v1/webhooks', { headers: admin })).json()).webhooks).toEqual([webhook]);
    expect((await post('/v1/webhooks', { url: 'https://x.example', secret, events: ['form.abandoned'] })).status).toBe(403);
    expect((await app.request(`/v1/webhooks/${webhook.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await app.request(`/v1/webhooks/${webhook.id}`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });

  it('delivers signed events to a receiver that fails and recovers, every one, then replays one with the same id', async () => {
    let clock = Date.parse('2026-03-01T10:00:00Z');
    let failing = true;
    const target = await receiver(() => (failing ? 503 : 204));
    const { app, post } = await testCollector({ config: { webhookInterval: 10 }, now: () => clock });
    const admin = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
    const webhook = await (await app.request('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: target.url, secret, events: ['person.identified'] }), headers: admin })).json();
    await post('/v1/batch', { batch: [identify(1), identify(2), identify(3)] });

    // The receiver is down: each delivery is tried once, then waits its backoff.
    await vi.waitFor(() => expect(new Set(target.received.map((request) => request.delivery)).size).toBe(3));
    const deliveries = async (status?: string) =>
      (await (await app.request(`/v1/webhooks/${webhook.id}/deliveries${status ? `?status=${status}` : ''}`, { headers: admin })).json()).deliveries;
    await vi.waitFor(async () => expect((await deliveries()).map((delivery: any) => [delivery.status, delivery.attempts, delivery.lastStatus])).toEqual(Array(3).fill(['pending', 1, 503])));

    // It recovers; the retries come due.
    failing = false;
    clock += 5 * 60_000;
    await vi.waitFor(async () => expect((await deliveries('delivered')).length).toBe(3));
    const delivered = new Map(target.received.filter((_, index) => index >= 3).map((request) => [request.delivery, request]));
    expect(delivered.size).toBe(3);
    for (const request of delivered.values()) {
      expect(request.event).toBe('person.identified');
      expect(await verifySignature(secret, request.body, request.signature, clock)).toBe(true);
      expect(await verifySignature('whsec_someone_else_000000', request.body, request.signature, clock)).toBe(false);
      expect(JSON.parse(request.body)).toMatchObject({ id: request.delivery, type: 'person.identified', person: { userId: expect.stringMatching(/^u-\d$/) } });
    }
    expect([...delivered.values()].map((request) => JSON.parse(request.body).person.traits.email).sort()).toEqual(['person1@northwind.io', 'person2@northwind.io', 'person3@northwind.io']);

    // A replay is the same delivery, with the same id.
    const one = [...delivered.keys()][0]!;
    const replay = await app.request(`/v1/webhooks/${webhook.id}/deliveries/${one}/replay`, { method: 'POST', headers: admin });
    expect(replay.status).toBe(202);
    await vi.waitFor(() => expect(target.received.filter((request) => request.delivery === one)).toHaveLength(3));
    expect(target.received.filter((request) => request.delivery === one).map((request) => JSON.parse(request.body).id)).toEqual([one, one, one]);
    expect((await app.request(`/v1/webhooks/${webhook.id}/deliveries/dl_nothing/replay`, { method: 'POST', headers: admin })).status).toBe(404);
  });

  it('gives a delivery up after 24 hours of failures, into the dead-letter list', async () => {
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const target = await receiver(() => 500);
    const { app, post } = await testCollector({ config: { webhookInterval: 10 }, now: () => clock });
    const admin = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
    const webhook = await (await app.request('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: target.url, secret, events: ['person.identified'] }), headers: admin })).json();
    await post('/v1/batch', { batch: [identify(1)] });
    const dead = async () => (await (await app.request(`/v1/webhooks/${webhook.id}/deliveries?status=dead`, { headers: admin })).json()).deliveries;
    // Each retry comes due as the clock moves on, until a day has passed.
    await vi.waitFor(
      async () => {
        clock += 2 * 60 * 60 * 1000;
        expect(await dead()).toHaveLength(1);
      },
      { timeout: 10_000, interval: 50 },
    );
    const [letter] = await dead();
    expect(letter).toMatchObject({ status: 'dead', lastStatus: 500, lastError: 'answered 500', nextAttemptAt: null });
    expect(letter.attempts).toBeGreaterThan(5);
  });

  it('announces people and accounts moving to a new stage, with the touchpoint that moved them', { timeout: 20_000 }, async () => {
    const target = await receiver(() => 200);
    const { app, post } = await testCollector({ config: { webhookInterval: 10, analyticsFollowInterval: 20 } });
    const admin = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
    // Ann's first visit is there before anyone subscribes: where she is then is the baseline.
    const at = (minutes: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + minutes * 60_000).toISOString();
    const page = (minutes: number, path: string, extra: Record<string, unknown> = {}) => ({ type: 'page', messageId: `page-${minutes}`, anonymousId: 'ann-laptop', timestamp: at(minutes), context: { page: { path, url: `https://northwind.io${path}` }, ...extra } });
    await post('/v1/batch', { batch: [page(0, '/'), { type: 'group', messageId: 'group-1', anonymousId: 'ann-laptop', userId: 'u-ann', groupId: 'northwind', timestamp: at(1) }] });
    const subscribed = await app.request('/v1/webhooks', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ url: target.url, secret, events: ['person.stage_changed', 'account.stage_changed'], filter: { stages: ['consideration', 'purchase'], identified: true } }),
    });
    expect(await subscribed.json()).toMatchObject({ filter: { stages: ['consideration', 'purchase'], identified: true } });

    await post('/v1/batch', { batch: [page(60, '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'march' } })] });
    await vi.waitFor(() => expect(target.received.map((request) => request.event).sort()).toEqual(['account.stage_changed', 'person.stage_changed']), { timeout: 10_000 });
    await post('/v1/batch', { batch: [{ type: 'track', messageId: 'order-1', anonymousId: 'ann-laptop', userId: 'u-ann', event: 'Order Completed', timestamp: at(70), context: { page: { path: '/checkout' } } }] });
    await vi.waitFor(() => expect(target.received).toHaveLength(4), { timeout: 10_000 });

    const told = target.received.map((request) => JSON.parse(request.body));
    const person = told.filter((payload) => payload.type === 'person.stage_changed');
    expect(person.map((payload) => [payload.stage.from, payload.stage.to])).toEqual([
      ['awareness', 'consideration'],
      ['consideration', 'purchase'],
    ]);
    expect(person[0]).toMatchObject({ occurredAt: at(60), person: { id: expect.stringMatching(/^p_/), userId: 'u-ann' }, cause: { touchpoint: { kind: 'session', name: '/pricing', channel: 'Email', at: at(60) } } });
    expect(person[1]).toMatchObject({ occurredAt: at(70), cause: { touchpoint: { id: 'order-1', kind: 'event', name: 'Order Completed' } } });
    expect(told.filter((payload) => payload.type === 'account.stage_changed').map((payload) => [payload.account.id, payload.stage.to])).toEqual([
      ['northwind', 'consideration'],
      ['northwind', 'purchase'],
    ]);
    // Nothing twice, though the staging followed many times.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.received).toHaveLength(4);
  });
});
