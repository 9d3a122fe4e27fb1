/**
 * The security claims, each checked against the built collector as `npm start` runs it: what a
 * write key cannot do, what needs the secret key, CORS, rate limits with Retry-After, SQL-shaped
 * input stored verbatim, secure headers, no raw IP by default, and no secret in the logs. (Stored
 * XSS in Chromium: dashboard-browser.test.ts; erasure: the storage contract; body limits: the
 * ingestion suite.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startCollector, tempDir, type CollectorProcess } from './support.ts';

const writeKey = 'wk_security_0123456789';
const secretKey = 'sk_security_0123456789abcdef';
const shop = 'https://shop.example';

describe('security', () => {
  const data = tempDir('security');
  let collector: CollectorProcess;
  beforeAll(async () => {
    collector = await startCollector({ JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey, JOURNEY_ALLOWED_ORIGINS: shop, JOURNEY_RATE_LIMIT_IP: '20' });
  });
  afterAll(async () => {
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    data.remove();
  });
  const request = (path: string, init: RequestInit = {}) => fetch(`${collector.url}${path}`, { redirect: 'manual', ...init });
  const reads = ['/v1/events', '/v1/funnel', '/v1/journey-map', '/v1/accounts', '/v1/persons', '/v1/webhooks', '/v1/export/events', '/v1/export/people.csv', '/v1/persons/u-1/journey'];

  it('lets a write key only send: it cannot read, import, subscribe or sign in to the dashboard', async () => {
    for (const path of reads) expect((await request(path, { headers: { Authorization: basic(writeKey) } })).status, path).toBe(403);
    expect((await request('/v1/import', { method: 'POST', body: '[]', headers: { Authorization: basic(writeKey), 'Content-Type': 'application/json' } })).status).toBe(403);
    expect((await request('/v1/webhooks', { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${writeKey}`, 'Content-Type': 'application/json' } })).status).toBe(403);
    const signIn = await request('/dashboard/login', { method: 'POST', body: new URLSearchParams({ key: writeKey }), headers: { Origin: collector.url } });
    expect(signIn.status).toBe(401);
    expect(signIn.headers.get('set-cookie')).toBeNull();
  });

  it('answers every read without the secret key with 401, and with a wrong one too', async () => {
    for (const path of reads) {
      expect((await request(path)).status, path).toBe(401);
      expect((await request(path, { headers: { Authorization: `Bearer ${secretKey.slice(0, -1)}X` } })).status, path).toBe(401);
    }
    expect((await request('/dashboard')).headers.get('location')).toBe('/dashboard/login');
  });

  it('answers CORS for the allowed origin only', async () => {
    const preflight = (origin: string) => request('/v1/batch', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect((await preflight(shop)).headers.get('access-control-allow-origin')).toBe(shop);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const sent = await request('/v1/track', { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, body: JSON.stringify({ writeKey, messageId: 'cors-1', anonymousId: 'a-1', event: 'Sneaked' }) });
    expect(sent.status).toBe(403);
  });

  it('stores SQL-shaped input verbatim, and keeps no raw IP by default', async () => {
    const hostile = "x'); DROP TABLE events; --";
    const event = { messageId: `sql-${hostile}`, anonymousId: hostile, userId: `" OR 1=1 --`, event: 'Robert"); DELETE FROM identifiers;--', properties: { note: hostile, [hostile]: 1 } };
    expect((await request('/v1/track', { method: 'POST', headers: { Authorization: basic(writeKey), 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.7' }, body: JSON.stringify(event) })).status).toBe(200);
    const { events } = await (await request(`/v1/events?anonymousId=${encodeURIComponent(hostile)}`, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(event);
    expect(JSON.stringify(events[0])).not.toMatch(/127\.0\.0\.1|203\.0\.113\.7/);
    expect(events[0].context.ip).toMatch(/^127\.0\.0\.0$|^::$/);
    expect((await (await request('/v1/persons/%22%20OR%201%3D1%20--', { headers: { Authorization: `Bearer ${secretKey}` } })).json()).id).toMatch(/^p_/);
  });

  it('sets secure headers on the API and a script-free policy on the dashboard', async () => {
    const api = await request('/health');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(api.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const dashboard = await request('/dashboard/login');
    expect(dashboard.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'self';.*frame-ancestors 'none'/);
    expect(dashboard.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe/);
  });

  it('limits requests per client address with 429 and Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => request('/v1/track', { method: 'POST', headers: { Authorization: basic(writeKey), 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: `burst-${i}`, anonymousId: 'a-2', event: 'Burst' }) })));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited[0]!.json()).error.code).toBe('rate_limited');
  });

  it('never writes the secret key to its output', () => {
    expect(collector.output()).not.toContain(secretKey);
  });
});
