import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openConnection } from './http-connection.ts';
import { verifySignature } from '../packages/collector/src/webhooks/signature.ts';

/** A collector reachable over HTTP, however it runs (a process, workerd, a container). */
export interface RunningTarget {
  url: string;
  /** Stops it and removes what it stored. */
  stop(): Promise<void>;
  /** Stops it gracefully and starts it again on the same data; resolves with its (new) URL. */
  restart?(): Promise<string>;
  /** Fires its scheduled background work, where the runtime runs none on its own (a Worker's Cron Trigger). */
  tick?(): Promise<void>;
}

export interface SuiteKeys {
  writeKey: string;
  secretKey: string;
}

/** Keys a target may be started with (JOURNEY_WRITE_KEYS, JOURNEY_SECRET_KEY). */
export const suiteKeys: SuiteKeys = { writeKey: 'wk_suite_0123456789', secretKey: 'sk_suite_0123456789abcdef' };

/**
 * The collector's HTTP ingestion contract, for every way it runs: Node, Bun and Deno processes,
 * PostgreSQL behind them, a Worker in workerd. Only fetch is used. `start` must give a collector
 * with the write key and secret key of `keys` and the other settings at their defaults (any
 * origin, default rate limits, the SDK built). One collector serves the whole suite: every test
 * sends its own ids and reads back only those, so the tests cannot see each other's events.
 */
export function ingestionSuite(name: string, start: () => Promise<RunningTarget>, keys: SuiteKeys = suiteKeys): void {
  describe(`HTTP ingestion: ${name}`, () => {
    let target: RunningTarget | undefined;
    let url = '';
    beforeAll(async () => {
      target = await start();
      url = target.url;
    });
    afterAll(async () => {
      await target?.stop();
    });

    // Ids unique to this run and test, so a shared database (PostgreSQL) or a retried test never collides.
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    let counter = 0;
    const id = (label: string) => `${label}-${run}-${++counter}`;

    const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;
    const post = (path: string, body: unknown, headers: Record<string, string> = { Authorization: basic(keys.writeKey) }) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    /** Stored events of one device or user, in arrival order. */
    const stored = async (filter: { anonymousId: string } | { userId: string }): Promise<Array<Record<string, any>>> => {
      const response = await fetch(`${url}/v1/events?${new URLSearchParams({ ...filter, limit: '1000' })}`, {
        headers: { Authorization: `Bearer ${keys.secretKey}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()).events;
    };
    const accepted = (count: number, duplicates = 0) => ({ success: true, accepted: count, duplicates, rejected: [] });

    it('answers /health while its database answers', async () => {
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('serves the SDK at /journey.js as JavaScript', async () => {
      const response = await fetch(`${url}/journey.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
      // The minified script-tag build, which reads the tag's data-write-key.
      const script = await response.text();
      expect(script.length).toBeGreaterThan(1000);
      expect(script).toContain('writeKey');
    });

    it('stores a batch and gives every event back as sent, enriched', async () => {
      const device = id('device');
      const properties = { plan: 'team', seats: 12, annual: true, tags: ['b2b', '日本語'], nested: { price: { amount: 49.5, currency: 'EUR' } }, none: null };
      const batch = [
        { type: 'page', messageId: id('page'), anonymousId: device, name: 'Pricing', properties: { path: '/pricing' } },
        { type: 'track', messageId: id('track'), anonymousId: device, event: 'Plan Chosen', properties },
        { type: 'identify', messageId: id('identify'), anonymousId: device, userId: id('user'), traits: { email: 'ada@acme.com', name: 'Ada' } },
      ];
      const response = await post('/v1/batch', { batch, context: { locale: 'ja-JP' } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(accepted(3));

      const events = await stored({ anonymousId: device });
      expect(events.map((event) => event.messageId)).toEqual(batch.map((event) => event.messageId));
      expect(events[0]).toMatchObject({ type: 'page', name: 'Pricing', properties: { path: '/pricing' } });
      expect(events[1]!.properties).toEqual(properties);
      expect(events[1]!.event).toBe('Plan Chosen');
      expect(events[2]).toMatchObject({ type: 'identify', userId: batch[2]!.userId, traits: { email: 'ada@acme.com', name: 'Ada' } });
      for (const event of events) {
        // The batch's context reaches each event; the collector stamps when it arrived.
        expect(event.context.locale).toBe('ja-JP');
        expect(Date.parse(event.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
        expect(Date.parse(event.timestamp)).toBeLessThanOrEqual(Date.parse(event.receivedAt));
      }
    });

    it('takes one event at each of /v1/track, /page, /identify, /group and /alias', async () => {
      const user = id('user');
      const calls = [
        ['track', { event: 'Requested Demo', properties: { source: 'footer' } }],
        ['page', { name: 'Docs' }],
        ['identify', { traits: { email: 'grace@acme.com' } }],
        ['group', { groupId: id('account'), traits: { name: 'Acme', industry: 'Software' } }],
        ['alias', { previousId: id('old-user') }],
      ] as const;
      const sent = [];
      for (const [type, fields] of calls) {
        const event = { messageId: id(type), userId: user, ...fields };
        const response = await post(`/v1/${type}`, event);
        expect(response.status, type).toBe(200);
        expect(await response.json()).toEqual(accepted(1));
        sent.push({ type, ...event });
      }
      const events = await stored({ userId: user });
      expect(events.map((event) => event.type)).toEqual(calls.map(([type]) => type));
      sent.forEach((event, index) => expect(events[index]).toMatchObject(event));
    });

    it('refuses a single event that is invalid or contradicts its path, saying why', async () => {
      const device = id('device');
      const missingName = await post('/v1/track', { messageId: id('track'), anonymousId: device });
      expect(missingName.status).toBe(400);
      expect((await missingName.json()).error).toMatchObject({ code: 'invalid_event', issues: [{ path: ['event'] }] });
      const contradicting = await post('/v1/track', { type: 'page', messageId: id('track'), anonymousId: device, event: 'x' });
      expect(contradicting.status).toBe(400);
      expect((await contradicting.json()).error).toEqual({ code: 'invalid_event', message: 'This endpoint takes "track" events, not "page"' });
      const broken = await post('/v1/track', '{"messageId": ');
      expect(broken.status).toBe(400);
      expect((await broken.json()).error.code).toBe('invalid_json');
      expect(await stored({ anonymousId: device })).toEqual([]);
    });

    it('stores a messageId once: sent again, it is answered as a duplicate', async () => {
      const device = id('device');
      const event = { messageId: id('track'), anonymousId: device, event: 'Signed Up' };
      expect(await (await post('/v1/track', event)).json()).toEqual(accepted(1));
      expect(await (await post('/v1/track', event)).json()).toEqual(accepted(0, 1));
      // A retried batch: the stored event is a duplicate, the new one is stored.
      const fresh = id('track');
      const retry = await post('/v1/batch', { batch: [{ type: 'track', ...event }, { type: 'track', ...event, messageId: fresh }] });
      expect(await retry.json()).toEqual(accepted(1, 1));
      expect((await stored({ anonymousId: device })).map((kept) => kept.messageId)).toEqual([event.messageId, fresh]);
    });

    it('stores the valid events of a batch and reports the invalid one by index, with the field at fault', async () => {
      const device = id('device');
      const good = [
        { type: 'track', messageId: id('good'), anonymousId: device, event: 'Viewed Pricing' },
        { type: 'track', messageId: id('good'), anonymousId: device, event: 'Started Trial' },
      ];
      const bad = { type: 'track', messageId: id('bad'), anonymousId: device, event: 42 };
      const response = await post('/v1/batch', { batch: [good[0], bad, good[1]] });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        success: true,
        accepted: 2,
        duplicates: 0,
        rejected: [{ index: 1, messageId: bad.messageId, errors: [{ path: ['event'], message: expect.stringMatching(/string/i) }] }],
      });
      expect((await stored({ anonymousId: device })).map((event) => event.messageId)).toEqual(good.map((event) => event.messageId));
    });

    it('refuses a missing or unknown write key with 401 and stores nothing', async () => {
      const device = id('device');
      const batch = () => ({ batch: [{ type: 'track', messageId: id('track'), anonymousId: device, event: 'Sneaky' }] });
      const missing = await post('/v1/batch', batch(), {});
      expect(missing.status).toBe(401);
      expect((await missing.json()).error.code).toBe('missing_write_key');
      const refusals = [
        await post('/v1/batch', batch(), { Authorization: basic('wk_nobody_0123456789') }),
        await post('/v1/batch', { ...batch(), writeKey: 'wk_nobody_0123456789' }, {}),
        await post('/v1/batch?writeKey=wk_nobody_0123456789', batch(), {}),
        await post('/v1/track', { ...batch().batch[0], writeKey: 'wk_nobody_0123456789' }, {}),
      ];
      for (const refused of refusals) {
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ error: { code: 'unknown_write_key', message: 'The write key is not known to this collector' } });
      }
      expect(await stored({ anonymousId: device })).toEqual([]);
    });

    it('reads events for the secret key only', async () => {
      const none = await fetch(`${url}/v1/events`);
      expect(none.status).toBe(401);
      expect((await none.json()).error.code).toBe('missing_secret_key');
      const writeKey = await fetch(`${url}/v1/events`, { headers: { Authorization: `Bearer ${keys.writeKey}` } });
      expect(writeKey.status).toBe(403);
      expect((await writeKey.json()).error.code).toBe('write_key_cannot_read');
    });

    it('takes the write key from Basic auth, the body or ?writeKey=, and text/plain bodies as sendBeacon sends them', async () => {
      const device = id('device');
      const event = (via: string) => ({ type: 'track', messageId: id(via), anonymousId: device, event: `Sent by ${via}` });
      const beacon = { 'Content-Type': 'text/plain;charset=UTF-8' };
      const answers = [
        await post('/v1/batch', { batch: [event('basic')] }),
        await post('/v1/batch', { batch: [event('body')], writeKey: keys.writeKey }, {}),
        await post(`/v1/batch?writeKey=${encodeURIComponent(keys.writeKey)}`, { batch: [event('query')] }, beacon),
        await post('/v1/batch', { batch: [event('body-text')], writeKey: keys.writeKey }, beacon),
        await post(`/v1/page?writeKey=${encodeURIComponent(keys.writeKey)}`, { messageId: id('page'), anonymousId: device }, beacon),
      ];
      for (const answer of answers) expect(await answer.json()).toEqual(accepted(1));
      const events = await stored({ anonymousId: device });
      expect(events.map((event) => event.event ?? event.type)).toEqual(['Sent by basic', 'Sent by body', 'Sent by query', 'Sent by body-text', 'page']);
      // The key authenticates the request; it is not part of the event.
      for (const kept of events) expect(kept).not.toHaveProperty('writeKey');
    });

    it('refuses bodies that are not JSON', async () => {
      const form = await post('/v1/batch', 'batch=1', { Authorization: basic(keys.writeKey), 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
      expect((await form.json()).error.code).toBe('unsupported_media_type');
    });

    it('answers CORS preflights on every ingestion path, and lets the page read the answer', async () => {
      const origin = 'https://www.acme.test';
      for (const path of ['/v1/batch', '/v1/track', '/v1/page', '/v1/identify', '/v1/group', '/v1/alias']) {
        const preflight = await fetch(`${url}${path}`, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
        });
        expect(preflight.status, path).toBe(204);
        expect(preflight.headers.get('access-control-allow-origin'), path).toBe(origin);
        expect(preflight.headers.get('access-control-allow-methods'), path).toContain('POST');
        expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase(), path).toContain('authorization');
      }
      const sent = await post('/v1/track', { messageId: id('track'), anonymousId: id('device'), event: 'Cross Origin' }, {
        Authorization: basic(keys.writeKey),
        Origin: origin,
      });
      expect(sent.status).toBe(200);
      expect(sent.headers.get('access-control-allow-origin')).toBe(origin);
      expect(sent.headers.get('access-control-expose-headers')).toContain('Retry-After');
    });

    it('refuses a body over 512 KB with 413 and a batch over 500 events with 400, storing nothing', async () => {
      const device = id('device');
      const event = () => ({ type: 'track', messageId: id('track'), anonymousId: device, event: 'Bulk' });

      const padding = 'x'.repeat(600 * 1024);
      const large = await post('/v1/batch', { batch: [{ ...event(), properties: { padding } }] });
      expect(large.status).toBe(413);
      expect((await large.json()).error).toEqual({ code: 'body_too_large', message: 'The request body is larger than 512 KB' });

      // Without a Content-Length (a streamed upload), the collector stops reading at the limit.
      const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
      const chunks = 12;
      const streamed = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { Authorization: basic(keys.writeKey), 'Content-Type': 'application/json' },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < chunks; i++) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect((await streamed.json()).error.code).toBe('body_too_large');

      const crowded = await post('/v1/batch', { batch: Array.from({ length: 501 }, event) });
      expect(crowded.status).toBe(400);
      expect((await crowded.json()).error).toMatchObject({
        code: 'invalid_batch',
        issues: [{ path: ['batch'], message: 'a batch holds at most 500 events' }],
      });

      // The largest batch allowed goes through whole.
      const full = await post('/v1/batch', { batch: Array.from({ length: 500 }, event) });
      expect(await full.json()).toEqual(accepted(500));
      expect(await stored({ anonymousId: device })).toHaveLength(500);
    });

    it('leaves the connection of a refused upload closed, or fit for the next request', async () => {
      const { host } = new URL(url);
      const head = `POST /v1/batch HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${basic(keys.writeKey)}\r\nContent-Type: application/json\r\n`;
      // Twice the limit: the server refuses it long before the client has sent it all.
      const body = 'x'.repeat(1024 * 1024);
      let chunked = '';
      for (let start = 0; start < body.length; start += 64 * 1024) {
        const chunk = body.slice(start, start + 64 * 1024);
        chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
      }
      const uploads = [
        ['a declared length', `${head}Content-Length: ${body.length}\r\n\r\n`, body],
        ['a chunked body', `${head}Transfer-Encoding: chunked\r\n\r\n`, `${chunked}0\r\n\r\n`],
      ] as const;
      await Promise.all(
        uploads.map(async ([upload, requestHead, requestBody]) => {
          const connection = await openConnection(url);
          try {
            connection.send(requestHead, requestBody);
            const refused = await connection.response();
            if (refused === 'closed') throw new Error(`${upload}: the connection closed without an answer`);
            expect(refused.status, upload).toBe(413);
            // Connection: close, and the client opens a new one for its next request.
            if (refused.headers.connection?.toLowerCase() === 'close') return;
            // Kept alive, it must still serve the next request after the server has had time to
            // give up on the rest of the upload: a client may reuse it at any later moment.
            await new Promise((later) => setTimeout(later, 700));
            connection.send(`GET /health HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
            expect(await connection.response(), upload).toMatchObject({ status: 200 });
          } finally {
            connection.close();
          }
        }),
      );
    });

    it('answers an unknown path with 404 in the one error shape', async () => {
      const response = await fetch(`${url}/v1/nothing`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route for POST /v1/nothing' } });
    });

    it('answers the journey queries from what it stored', async () => {
      // An hour of its own somewhere in 2025, so other tests' events (a shared PostgreSQL) stay out of range.
      const start = Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 360) * 86_400_000 + Math.floor(Math.random() * 20) * 3_600_000 + Math.floor(Math.random() * 60) * 60_000;
      const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
      const device = id('device');
      const context = { page: { url: 'https://shop.example/pricing', path: '/pricing' }, campaign: { source: 'google', medium: 'cpc', name: id('campaign') } };
      const batch = [
        { type: 'page', messageId: id('page'), anonymousId: device, timestamp: at(0), context },
        { type: 'track', messageId: id('track'), anonymousId: device, timestamp: at(5), event: 'Signed Up', context },
        { type: 'track', messageId: id('track'), anonymousId: device, timestamp: at(10), event: 'Order Completed', context },
      ];
      expect(await (await post('/v1/batch', { batch })).json()).toEqual(accepted(3));
      const read = async (path: string) => {
        const response = await fetch(`${url}${path}${path.includes('?') ? '&' : '?'}from=${at(-1)}&to=${at(60)}`, { headers: { Authorization: `Bearer ${keys.secretKey}` } });
        expect(response.status).toBe(200);
        return response.json();
      };
      const funnel = await read('/v1/funnel');
      expect(funnel.people.cohort).toBe(1);
      expect(funnel.people.stages.map((stage: any) => stage.reached)).toEqual([1, 1, 1, 0]);
      const map = await read('/v1/journey-map');
      expect(map.cells.map((cell: any) => [cell.stage, cell.channel, cell.touchpoints])).toEqual([
        ['consideration', 'Paid Search', 2],
        ['purchase', 'Paid Search', 1],
      ]);
      expect((await read('/v1/paths')).channels[0].path).toEqual(['Paid Search']);
      expect((await read('/v1/attribution?model=linear')).byChannel).toEqual([{ key: 'Paid Search', credit: 1, parts: 1_000_000, conversions: 1 }]);
    });

    it('serves the dashboard: sign in with the secret key, then the map and the paths drawn as a flow', async () => {
      const start = Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 360) * 86_400_000;
      const device = id('device');
      const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
      const context = { page: { url: 'https://shop.example/', path: '/' }, campaign: { source: 'newsletter', medium: 'email', name: id('campaign') } };
      const batch = [
        { type: 'page', messageId: id('page'), anonymousId: device, timestamp: at(0), context },
        { type: 'track', messageId: id('track'), anonymousId: device, timestamp: at(5), event: 'Order Completed', context },
      ];
      expect(await (await post('/v1/batch', { batch })).json()).toEqual(accepted(2));
      const form = (key: string) =>
        fetch(`${url}/dashboard/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key }), headers: { Origin: new URL(url).origin } });
      expect((await form(keys.writeKey)).status).toBe(401);
      const signedIn = await form(keys.secretKey);
      expect(signedIn.status).toBe(303);
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      const page = async (path: string) => {
        const response = await fetch(`${url}${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
        return response.text();
      };
      const range = `from=${at(-1)}&to=${at(60)}`;
      // The first answer may come from journeys staged before these events (asOf); the next ones have them.
      await vi.waitFor(async () => expect(await page(`/dashboard?${range}`)).toMatch(/data-stage="purchase" data-channel="Email">1</), { timeout: 10_000, interval: 200 });
      expect(await page(`/dashboard/paths?${range}`)).toMatch(/<svg class="flow"[\s\S]*>Email<\/text>/);
      expect((await (await fetch(`${url}/dashboard/assets/dashboard.css`)).text())).toContain('.heat-5');
    });

    it('sends a signed webhook delivery to a real receiver, in the background', async () => {
      const received: Array<{ signature: string; body: string }> = [];
      const receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          received.push({ signature: String(request.headers['journey-signature']), body });
          response.end();
        });
      });
      await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
      try {
        const secret = 'whsec_suite_0123456789';
        const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/journey`;
        const admin = { Authorization: `Bearer ${keys.secretKey}`, 'Content-Type': 'application/json' };
        const webhook = await (await fetch(`${url}/v1/webhooks`, { method: 'POST', headers: admin, body: JSON.stringify({ url: hookUrl, secret, events: ['form.abandoned'] }) })).json();
        const device = id('device');
        const event = { type: 'track', messageId: id('left'), anonymousId: device, event: 'Form Abandoned', properties: { formId: 'demo', lastField: 'email' } };
        expect(await (await post('/v1/batch', { batch: [event] })).json()).toEqual(accepted(1));
        await target!.tick?.();
        await vi.waitFor(() => expect(received.map((request) => JSON.parse(request.body).person.anonymousId)).toContain(device), { timeout: 15_000, interval: 200 });
        const mine = received.find((request) => JSON.parse(request.body).person.anonymousId === device)!;
        expect(JSON.parse(mine.body)).toMatchObject({ type: 'form.abandoned', data: { formId: 'demo', lastField: 'email' }, cause: { messageId: event.messageId } });
        expect(await verifySignature(secret, mine.body, mine.signature, Date.now())).toBe(true);
        expect((await fetch(`${url}/v1/webhooks/${webhook.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
      } finally {
        await new Promise((done) => receiver.close(done));
      }
    });

    // Last: the collector comes back on another URL.
    it('keeps its events, and their messageIds, through a graceful restart', async (context) => {
      if (!target?.restart) return context.skip('this target cannot be restarted');
      const device = id('device');
      const event = { messageId: id('track'), anonymousId: device, event: 'Before Restart' };
      expect(await (await post('/v1/track', event)).json()).toEqual(accepted(1));

      url = await target.restart();
      expect(await stored({ anonymousId: device })).toMatchObject([event]);
      expect(await (await post('/v1/track', event)).json()).toEqual(accepted(0, 1));
      expect(await (await post('/v1/track', { ...event, messageId: id('track') })).json()).toEqual(accepted(1));
    });
  });
}
