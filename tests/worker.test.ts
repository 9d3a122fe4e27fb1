import { describe, expect, it } from 'vitest';
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
