import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { basic, secretKey, testCollector, track, writeKey } from '../testing/collector.ts';

describe('POST /v1/batch', () => {
  it('stores every valid event and answers with counts', async () => {
    const { post, events } = await testCollector();
    const batch = [track(), track({ type: 'page', name: 'Pricing', event: undefined }), track({ type: 'identify', userId: 'u-1' })];
    const response = await post('/v1/batch', { batch });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, accepted: 3, duplicates: 0, rejected: [] });
    expect((await events()).map((event) => event.messageId)).toEqual(batch.map((event) => event.messageId));
  });

  it('answers only once the events are committed to the database file', async () => {
    const { post, path } = await testCollector();
    const event = track();
    expect((await post('/v1/batch', { batch: [event] })).status).toBe(200);
    const other = new DatabaseSync(path, { readOnly: true });
    expect(other.prepare('SELECT message_id FROM events').all()).toEqual([{ message_id: event.messageId }]);
    other.close();
  });

  it('stores the valid events of a batch and reports the others by index', async () => {
    const { post, events } = await testCollector();
    const good = [track(), track()];
    const response = await post('/v1/batch', {
      batch: [good[0], { ...track(), messageId: 'bad-1', event: 42 }, 'not an event', good[1]],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, messageId: 'bad-1', errors: [{ path: ['event'], message: expect.stringMatching(/string/) }] },
      { index: 2, errors: [{ path: [], message: expect.stringMatching(/object/) }] },
    ]);
    expect((await events()).map((event) => event.messageId)).toEqual(good.map((event) => event.messageId));
  });

  it('stores a messageId once: a retried batch counts as duplicates', async () => {
    const { post, events } = await testCollector();
    const batch = [track(), track()];
    await post('/v1/batch', { batch });
    const retry = await post('/v1/batch', { batch: [...batch, track()] });
    expect(await retry.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    const twice = track();
    expect(await (await post('/v1/batch', { batch: [twice, twice] })).json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await events()).toHaveLength(4);
  });

  it('keeps sites apart: the same messageId under another site is another event', async () => {
    const docsKey = 'wk_docs_0123456789';
    const { post, events } = await testCollector({
      config: {
        writeKeys: [
          { key: writeKey, site: 'www', allowedOrigins: '*' },
          { key: docsKey, site: 'docs', allowedOrigins: '*' },
        ],
      },
    });
    const event = track();
    await post('/v1/batch', { batch: [event] });
    const response = await post('/v1/batch', { batch: [event] }, { headers: { Authorization: basic(docsKey) } });
    expect(await response.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await events('&site=docs')).toHaveLength(1);
    expect(await events()).toHaveLength(2);
  });

  it('takes the write key from Basic auth, the body or the query string', async () => {
    const { post, events } = await testCollector();
    expect((await post('/v1/batch', { batch: [track()] })).status).toBe(200);
    expect((await post('/v1/batch', { batch: [track()], writeKey }, { auth: false })).status).toBe(200);
    expect((await post(`/v1/batch?writeKey=${writeKey}`, { batch: [track()] }, { auth: false })).status).toBe(200);
    expect(await events()).toHaveLength(3);
  });

  it('refuses a missing or unknown write key and stores nothing', async () => {
    const { post, events } = await testCollector();
    const missing = await post('/v1/batch', { batch: [track()] }, { auth: false });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('missing_write_key');
    const unknown = await post('/v1/batch', { batch: [track()] }, { headers: { Authorization: basic('wk_nobody') } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      error: { code: 'unknown_write_key', message: 'The write key is not known to this collector' },
    });
    expect((await post('/v1/batch', { batch: [track()], writeKey: 'wk_nobody' }, { auth: false })).status).toBe(401);
    expect(await events()).toHaveLength(0);
  });

  it('accepts text/plain, which browsers send without a preflight, and gzip', async () => {
    const { app, post, events } = await testCollector();
    expect((await post('/v1/batch', { batch: [track()] }, { headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })).status).toBe(200);
    const gzipped = await new Response(
      new Blob([JSON.stringify({ batch: [track()] })]).stream().pipeThrough(new CompressionStream('gzip')),
    ).arrayBuffer();
    const response = await app.request('/v1/batch', {
      method: 'POST',
      body: gzipped,
      headers: { 'Content-Encoding': 'gzip', Authorization: basic(writeKey) },
    });
    expect(response.status).toBe(200);
    expect(await events()).toHaveLength(2);
    const form = await post('/v1/batch', 'batch=1', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('takes a batch-level context and sentAt for events without their own', async () => {
    const { post, events } = await testCollector({ now: () => Date.parse('2026-03-01T12:00:10Z') });
    await post('/v1/batch', {
      sentAt: '2026-03-01T09:00:10Z',
      context: { library: { name: 'analytics-node', version: '2.0.0' }, locale: 'de-DE' },
      batch: [track({ originalTimestamp: '2026-03-01T09:00:00Z', context: { locale: 'ja-JP' } })],
    });
    const [stored] = await events();
    expect(stored!.context).toMatchObject({ library: { name: 'analytics-node' }, locale: 'ja-JP' });
    expect(stored!.timestamp).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('POST /v1/{track,page,identify,group,alias}', () => {
  it('takes one event whose type is the path', async () => {
    const { post, events } = await testCollector();
    const calls = [
      ['/v1/track', { messageId: 't', anonymousId: 'a', event: 'Signed Up' }],
      ['/v1/page', { messageId: 'p', anonymousId: 'a', name: 'Home' }],
      ['/v1/identify', { messageId: 'i', anonymousId: 'a', userId: 'u', traits: { email: 'a@acme.com' } }],
      ['/v1/group', { messageId: 'g', userId: 'u', groupId: 'acme' }],
      ['/v1/alias', { messageId: 'al', userId: 'u', previousId: 'a' }],
    ] as const;
    for (const [path, event] of calls) {
      const response = await post(path, event);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({ success: true, accepted: 1, duplicates: 0, rejected: [] });
    }
    expect((await events()).map((event) => event.type)).toEqual(['track', 'page', 'identify', 'group', 'alias']);
  });

  it('refuses an invalid event with its issues, and a type that contradicts the path', async () => {
    const { post, events } = await testCollector();
    const invalid = await post('/v1/track', { messageId: 'x', anonymousId: 'a' });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error).toMatchObject({ code: 'invalid_event', issues: [{ path: ['event'] }] });
    const contradicting = await post('/v1/track', { type: 'page', messageId: 'y', anonymousId: 'a', event: 'x' });
    expect(contradicting.status).toBe(400);
    expect((await contradicting.json()).error.message).toBe('This endpoint takes "track" events, not "page"');
    expect(await events()).toHaveLength(0);
  });
});

describe('enrichment', () => {
  it('corrects the time for the client clock skew and clamps future times', async () => {
    const receivedAt = Date.parse('2026-03-01T12:00:00Z');
    const { post, events } = await testCollector({ now: () => receivedAt });
    // The device clock is 2 hours fast; the event waited 30 s in the offline queue.
    await post('/v1/batch', {
      sentAt: '2026-03-01T14:00:00Z',
      batch: [
        track({ messageId: 'skewed', originalTimestamp: '2026-03-01T13:59:30Z' }),
        track({ messageId: 'future', timestamp: '2027-01-01T00:00:00Z' }),
        track({ messageId: 'imported', timestamp: '2025-12-24T18:00:00+01:00' }),
        track({ messageId: 'bare' }),
      ],
    });
    const times = Object.fromEntries((await events()).map((event) => [event.messageId, event.timestamp]));
    expect(times).toEqual({
      skewed: '2026-03-01T11:59:30.000Z',
      future: '2026-03-01T12:00:00.000Z',
      imported: '2025-12-24T17:00:00.000Z',
      bare: '2026-03-01T12:00:00.000Z',
    });
    expect((await events())[0]!.receivedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('removes the host part of the IP before storing it, unless told to keep it', async () => {
    const connection = (ip: string) => ({ clientIp: () => ip });
    const v4 = await testCollector(connection('203.0.113.77'));
    await v4.post('/v1/batch', { batch: [track(), track({ context: { ip: '2001:db8:85a3:1234:5678:8a2e:370:7334' } })] });
    expect((await v4.events()).map((event) => event.context.ip)).toEqual(['203.0.113.0', '2001:db8:85a3::']);

    const raw = await testCollector({ ...connection('::ffff:198.51.100.9'), config: { storeRawIp: true } });
    await raw.post('/v1/batch', { batch: [track()] });
    expect((await raw.events())[0]!.context.ip).toBe('198.51.100.9');
  });

  it('parses the user agent and flags bots', async () => {
    const { post, events } = await testCollector();
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    await post('/v1/batch', {
      batch: [
        track({ messageId: 'phone', context: { userAgent: iphone } }),
        track({ messageId: 'bot', context: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } }),
      ],
    });
    const [phone, bot] = await events();
    expect(phone!.client).toEqual({
      bot: false,
      browser: { name: 'Safari', version: '17.4' },
      os: { name: 'iOS', version: '17.4' },
      device: 'mobile',
    });
    expect(bot!.client).toMatchObject({ bot: true, device: 'bot' });
  });
});

describe('limits and availability', () => {
  it('answers 429 with Retry-After past the rate of a write key or an address', async () => {
    const perKey = await testCollector({
      config: { rateLimit: { perWriteKey: { perSecond: 1, burst: 2 }, perIp: { perSecond: 0, burst: 0 } } },
      now: () => 1_000_000,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await perKey.post('/v1/batch', { batch: [track()] })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await perKey.post('/v1/batch', { batch: [track()] });
    expect(limited.headers.get('Retry-After')).toBe('1');
    expect((await limited.json()).error.code).toBe('rate_limited');
    expect(await perKey.events()).toHaveLength(2);

    const perIp = await testCollector({
      clientIp: () => '192.0.2.1',
      config: { rateLimit: { perWriteKey: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0.5, burst: 1 } } },
      now: () => 1_000_000,
    });
    expect((await perIp.post('/v1/batch', { batch: [track()] })).status).toBe(200);
    const blocked = await perIp.post('/v1/batch', { batch: [track()] });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toBe('2');
  });

  it('records the country the platform reports, and nothing for its unknown or Tor codes', async () => {
    let country: string | undefined = 'JP';
    const { post, events } = await testCollector({ clientCountry: () => country });
    await post('/v1/batch', { batch: [track({ messageId: 'from-japan' })] });
    country = 'XX';
    await post('/v1/batch', { batch: [track({ messageId: 'from-nowhere' })] });
    country = 'T1';
    await post('/v1/batch', { batch: [track({ messageId: 'through-tor' })] });
    const stored = Object.fromEntries((await events()).map((event) => [event.messageId, event.client.country]));
    expect(stored).toEqual({ 'from-japan': 'JP', 'from-nowhere': undefined, 'through-tor': undefined });
  });

  it('answers 503 when storage is unavailable, so clients retry', async () => {
    const { post, storage } = await testCollector();
    await storage.close();
    const response = await post('/v1/batch', { batch: [track()] });
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect((await response.json()).error.code).toBe('storage_unavailable');
  });

  it('reports health, and its absence when storage is down', async () => {
    const { app, storage } = await testCollector();
    const health = await app.request('/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    // Secure headers, but a referrer policy that keeps the journey's referrers visible.
    expect(health.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(health.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    await storage.close();
    expect((await app.request('/health')).status).toBe(503);
  });
});

describe('CORS', () => {
  const origins = { config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: ['https://acme.com'] }] } };

  it('lets allowed origins send and read the answer', async () => {
    const { post, app } = await testCollector(origins);
    const response = await post('/v1/batch', { batch: [track()] }, { headers: { Origin: 'https://acme.com' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://acme.com');
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('Retry-After');
    const preflight = await app.request('/v1/batch', {
      method: 'OPTIONS',
      headers: { Origin: 'https://acme.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
  });

  it('refuses other origins and stores nothing from them', async () => {
    const { post, app, events } = await testCollector(origins);
    const response = await post('/v1/batch', { batch: [track()] }, { headers: { Origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const preflight = await app.request('/v1/batch', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(await events()).toHaveLength(0);
  });

  it('holds each write key to its own origins', async () => {
    const docsKey = 'wk_docs_0123456789';
    const { post } = await testCollector({
      config: {
        writeKeys: [
          { key: writeKey, site: 'www', allowedOrigins: ['https://acme.com'] },
          { key: docsKey, site: 'docs', allowedOrigins: ['https://docs.acme.com'] },
        ],
      },
    });
    const crossed = await post('/v1/batch', { batch: [track()] }, {
      headers: { Origin: 'https://docs.acme.com', Authorization: basic(writeKey) },
    });
    expect(crossed.status).toBe(403);
  });
});

describe('GET /v1/events', () => {
  it('needs the secret key: a write key cannot read', async () => {
    const { app } = await testCollector();
    expect((await app.request('/v1/events')).status).toBe(401);
    expect((await app.request('/v1/events', { headers: { Authorization: 'Bearer wrong-secret-key' } })).status).toBe(401);
    const asWriteKey = await app.request('/v1/events', { headers: { Authorization: `Bearer ${writeKey}` } });
    expect(asWriteKey.status).toBe(403);
    expect((await asWriteKey.json()).error.code).toBe('write_key_cannot_read');
    expect((await app.request('/v1/events', { headers: { Authorization: basic(writeKey) } })).status).toBe(403);
    expect((await app.request(`/v1/events?writeKey=${writeKey}`)).status).toBe(403);
  });

  it('filters by anonymousId, userId, type and since', async () => {
    const { post, events } = await testCollector();
    await post('/v1/batch', {
      batch: [
        track({ anonymousId: 'a', timestamp: '2026-01-01T00:00:00Z' }),
        track({ anonymousId: 'b', userId: 'u', type: 'identify', timestamp: '2026-02-01T00:00:00Z' }),
        track({ anonymousId: 'a', type: 'page', timestamp: '2026-03-01T00:00:00Z' }),
      ],
    });
    expect(await events('&anonymousId=a')).toHaveLength(2);
    expect(await events('&userId=u')).toHaveLength(1);
    expect(await events('&type=page')).toHaveLength(1);
    expect(await events('&since=2026-02-01T00:00:00Z')).toHaveLength(2);
  });

  it('pages with an opaque cursor', async () => {
    const { app, post } = await testCollector();
    const batch = Array.from({ length: 5 }, () => track());
    await post('/v1/batch', { batch });
    const seen: string[] = [];
    let url = '/v1/events?limit=2';
    for (;;) {
      const page = await (await app.request(url, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
      seen.push(...page.events.map((event: { messageId: string }) => event.messageId));
      if (page.nextCursor === null) break;
      url = `/v1/events?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(batch.map((event) => event.messageId));
  });

  it('explains a bad query or cursor', async () => {
    const { app } = await testCollector();
    const get = (query: string) => app.request(`/v1/events?${query}`, { headers: { Authorization: `Bearer ${secretKey}` } });
    const badLimit = await get('limit=5000');
    expect(badLimit.status).toBe(400);
    expect((await badLimit.json()).error.issues[0].path).toEqual(['limit']);
    expect((await get('type=screen')).status).toBe(400);
    expect((await get('since=yesterday')).status).toBe(400);
    const badCursor = await get('cursor=abc');
    expect(badCursor.status).toBe(400);
    expect((await badCursor.json()).error.code).toBe('invalid_cursor');
  });
});

describe('GET /journey.js', () => {
  it('serves the SDK build with caching headers and ETag revalidation, at a configurable path', async () => {
    const { app } = await testCollector({ script: () => 'window.journey=1;', config: { scriptPath: '/js/j.js' } });
    const response = await app.request('/js/j.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('window.journey=1;');
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toMatch(/max-age=3600/);
    const etag = response.headers.get('ETag');
    expect(etag).toBeTruthy();
    expect((await app.request('/js/j.js', { headers: { 'If-None-Match': etag! } })).status).toBe(304);
    expect((await app.request('/journey.js')).status).toBe(404);
  });

  it('says how to build the SDK when the build is missing', async () => {
    const { app } = await testCollector();
    const response = await app.request('/journey.js');
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('script_not_built');
  });
});
