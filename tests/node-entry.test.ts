import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Analytics } from '@segment/analytics-node';
import { basic, startCollector, tempDir, type CollectorProcess } from './support.ts';

const running: CollectorProcess[] = [];
const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  for (const collector of running.splice(0)) {
    if (collector.child.exitCode === null) {
      collector.child.kill('SIGKILL');
      await collector.exited;
    }
  }
  for (const dir of dirs.splice(0)) dir.remove();
});

async function start(env: Record<string, string> = {}, args: string[] = []) {
  const data = tempDir('node');
  dirs.push(data);
  const collector = await startCollector({ JOURNEY_DB: join(data.path, 'journey.db'), ...env }, args);
  running.push(collector);
  return { collector, data: data.path };
}

const keysOf = (output: string) => ({
  writeKey: /write key\s+(\S+)/.exec(output)?.[1],
  secretKey: /secret key\s+(sk_\S+)/.exec(output)?.[1],
});

describe('npm start (the Node entry)', () => {
  it('serves the demo site and stores a curl’d event that GET /v1/events returns', async () => {
    const { collector } = await start({}, ['--site', 'examples/site/public']);
    const { writeKey, secretKey } = keysOf(collector.output());
    expect(writeKey).toMatch(/^wk_/);
    expect(secretKey).toMatch(/^sk_/);

    const home = await fetch(`${collector.url}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Acme Pipeline');
    // The page's script tag carries this collector's write key, and the SDK is served.
    expect(html).toContain(`<script async src="/journey.js" data-write-key="${writeKey}"></script>`);
    const script = await fetch(`${collector.url}/journey.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('journey.js');
    // Clean URLs, and the single-page app's views all served by its page.
    expect(await (await fetch(`${collector.url}/pricing`)).text()).toContain('<h1>Pricing</h1>');
    expect(await (await fetch(`${collector.url}/app/settings`)).text()).toContain('single-page app');
    expect((await fetch(`${collector.url}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${collector.url}/../package.json`)).status).toBe(404);

    const sent = await fetch(`${collector.url}/v1/track`, {
      method: 'POST',
      headers: { Authorization: basic(writeKey!), 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId: 'curl-1', anonymousId: 'a-1', event: 'Requested Demo' }),
    });
    expect(await sent.json()).toEqual({ success: true, accepted: 1, duplicates: 0, rejected: [] });

    const read = await fetch(`${collector.url}/v1/events`, { headers: { Authorization: `Bearer ${secretKey}` } });
    const { events } = await read.json();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ messageId: 'curl-1', event: 'Requested Demo', context: { ip: '127.0.0.0' } });
    expect(events[0].receivedAt).toEqual(events[0].timestamp);
  });

  it('fills an empty database with demo journeys of the last year, once, unless JOURNEY_SEED_DEMO=0', async () => {
    const first = await start({ JOURNEY_SEED_DEMO: '1' });
    expect(first.collector.output()).toMatch(/demo data\s+[\d,]+ events of 300 people at 15 accounts/);
    const { secretKey } = keysOf(first.collector.output());
    const funnel = async (url: string) => (await (await fetch(`${url}/v1/funnel`, { headers: { Authorization: `Bearer ${secretKey}` } })).json()).people;
    const seeded = await funnel(first.collector.url);
    // The default range, the last 90 days, is full: the year ends today.
    expect(seeded.cohort).toBeGreaterThan(50);
    expect(seeded.stages.find((stage: any) => stage.stage === 'purchase').reached).toBeGreaterThan(0);
    first.collector.child.kill('SIGTERM');
    expect(await first.collector.exited).toBe(0);

    const again = await startCollector({ JOURNEY_DB: join(first.data, 'journey.db'), JOURNEY_SEED_DEMO: '1' });
    running.push(again);
    expect(again.output()).not.toContain('demo data');
    expect((await funnel(again.url)).cohort).toBe(seeded.cohort);

    const off = await start({ JOURNEY_SEED_DEMO: '0' });
    expect(off.collector.output()).not.toContain('demo data');
  });

  it('generates keys on first start, keeps them in the data folder and shows the secret only once', async () => {
    const first = await start();
    const keys = keysOf(first.collector.output());
    first.collector.child.kill('SIGTERM');
    expect(await first.collector.exited).toBe(0);
    const saved = JSON.parse(readFileSync(join(first.data, 'keys.json'), 'utf8'));
    expect(saved).toEqual(keys);

    const again = await startCollector({ JOURNEY_DB: join(first.data, 'journey.db') });
    running.push(again);
    expect(keysOf(again.output()).writeKey).toBe(keys.writeKey);
    expect(again.output()).not.toContain(keys.secretKey!);
  });

  it('takes keys, sites and origins from the environment', async () => {
    const { collector } = await start({
      JOURNEY_WRITE_KEYS: 'wk_www_123:www,wk_docs_456:docs',
      JOURNEY_SECRET_KEY: 'sk_from_env_0123456789',
      JOURNEY_ALLOWED_ORIGINS: 'https://acme.com,wk_docs_456=https://docs.acme.com',
    });
    expect(collector.output()).not.toContain('sk_from_env_0123456789');
    const send = (key: string, origin: string) =>
      fetch(`${collector.url}/v1/page`, {
        method: 'POST',
        headers: { Authorization: basic(key), Origin: origin },
        body: JSON.stringify({ messageId: `${key}-${origin}`, anonymousId: 'a' }),
      });
    expect((await send('wk_www_123', 'https://acme.com')).status).toBe(200);
    expect((await send('wk_www_123', 'https://docs.acme.com')).status).toBe(403);
    expect((await send('wk_docs_456', 'https://docs.acme.com')).status).toBe(200);
    const read = await fetch(`${collector.url}/v1/events?site=docs`, { headers: { Authorization: 'Bearer sk_from_env_0123456789' } });
    expect((await read.json()).events).toHaveLength(1);
  });

  it('refuses to start on bad configuration, saying what is wrong', async () => {
    const data = tempDir('bad-config');
    dirs.push(data);
    await expect(startCollector({ JOURNEY_DB: join(data.path, 'j.db'), PORT: 'eighty' })).rejects.toThrow(
      /PORT must be a whole number, not "eighty"/,
    );
  });

  it('accepts events from Segment’s own Node library unchanged', async () => {
    const { collector } = await start();
    const { writeKey, secretKey } = keysOf(collector.output());
    const errors: unknown[] = [];
    const analytics = new Analytics({ writeKey: writeKey!, host: collector.url, flushAt: 2, maxRetries: 0 });
    analytics.on('error', (error) => errors.push(error));
    analytics.identify({ userId: 'user-42', traits: { email: 'ada@acme.com', company: { name: 'Acme' } } });
    analytics.track({ userId: 'user-42', event: 'Demo Booked', properties: { seats: 12 } });
    analytics.group({ userId: 'user-42', groupId: 'acme', traits: { name: 'Acme', industry: 'Software' } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const read = await fetch(`${collector.url}/v1/events`, { headers: { Authorization: `Bearer ${secretKey}` } });
    const { events } = await read.json();
    // flushAt 2: identify and track go in one request, group in a second one sent beside it, so
    // which of the two the collector stores first is not for the library to say.
    expect(events.map((event: { type: string }) => event.type).sort()).toEqual(['group', 'identify', 'track']);
    expect(events.find((event: { type: string }) => event.type === 'track')).toMatchObject({
      userId: 'user-42',
      event: 'Demo Booked',
      properties: { seats: 12 },
      context: { library: { name: '@segment/analytics-node' } },
    });
  });

  it("saves the journeys' staging as it stops, so the next start reads back what it answered last", async () => {
    const { collector, data } = await start({ JOURNEY_SEED_DEMO: '0' });
    const { writeKey, secretKey } = keysOf(collector.output());
    const send = async (batch: object[]) =>
      expect((await fetch(`${collector.url}/v1/batch`, { method: 'POST', headers: { Authorization: basic(writeKey!), 'Content-Type': 'application/json' }, body: JSON.stringify({ batch }) })).status).toBe(200);
    const funnel = async () => (await (await fetch(`${collector.url}/v1/funnel`, { headers: { Authorization: `Bearer ${secretKey}` } })).json()).people.stages;
    await send([{ type: 'page', messageId: 'ann-1', anonymousId: 'ann', context: { page: { path: '/' } } }]);
    await funnel();
    await send([{ type: 'page', messageId: 'ann-2', anonymousId: 'ann', context: { page: { path: '/pricing' } } }, { type: 'page', messageId: 'ben-1', anonymousId: 'ben', context: { page: { path: '/' } } }]);
    const answered = await funnel();
    // Half a minute after its first staging would be its first save: this stop comes sooner.
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);

    const db = new DatabaseSync(join(data, 'journey.db'), { readOnly: true });
    const saved = db.prepare("SELECT version FROM journey_stagings WHERE site = 'default' AND part = 0").get() as { version: string } | undefined;
    const last = db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number };
    db.close();
    expect(saved?.version.split(':')[0]).toBe(String(last.seq));
    // Started again on it: the same answer.
    const again = await startCollector({ JOURNEY_DB: join(data, 'journey.db') });
    running.push(again);
    expect((await (await fetch(`${again.url}/v1/funnel`, { headers: { Authorization: `Bearer ${secretKey}` } })).json()).people.stages).toEqual(answered);
  });

  it('finishes a request in flight on SIGTERM, then closes the database and exits 0', async () => {
    const { collector, data } = await start();
    const { writeKey } = keysOf(collector.output());
    const body = JSON.stringify({ batch: [{ type: 'track', messageId: 'in-flight', anonymousId: 'a', event: 'Late' }] });
    const url = new URL(`${collector.url}/v1/batch`);

    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          // 100-continue: the server says when it holds the request, before the body is sent.
          headers: { Authorization: basic(writeKey!), 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => done({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', fail);
      req.on('continue', async () => {
        collector.child.kill('SIGTERM');
        await collector.waitFor('SIGTERM: finishing open requests');
        req.end(body);
      });
      req.flushHeaders();
    });

    expect(await answer).toEqual({ status: 200, body: JSON.stringify({ success: true, accepted: 1, duplicates: 0, rejected: [] }) });
    expect(await collector.exited).toBe(0);
    const db = new DatabaseSync(join(data, 'journey.db'), { readOnly: true });
    expect(db.prepare('SELECT message_id FROM events').all()).toEqual([{ message_id: 'in-flight' }]);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });
});
