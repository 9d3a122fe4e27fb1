/**
 * Crash durability: the collector under load (autocannon, the built bundle as `npm start` runs it)
 * is killed with SIGKILL three times mid-load and started again on the same SQLite file. Every
 * event whose request was answered 2xx must be stored, each once, and the database must pass its
 * integrity check. Prints the figures.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import autocannon from 'autocannon';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, tempDir, type CollectorProcess } from './support.ts';

const writeKey = 'wk_crash_0123456789';
const secretKey = 'sk_crash_0123456789abcdef';
const kills = 3;

/** What a connection sent last: the ids its answer acknowledges. */
type Sent = { ids: string[] };

describe('crash durability', () => {
  const data = tempDir('crash');
  const running: CollectorProcess[] = [];
  afterAll(async () => {
    for (const collector of running) if (collector.child.exitCode === null) collector.child.kill('SIGKILL');
    await Promise.all(running.map((collector) => collector.exited));
    data.remove();
  });
  const env = { JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey };
  const start = async () => {
    const collector = await startCollector(env);
    running.push(collector);
    return collector;
  };

  it('keeps every event it acknowledged through kill -9 under load, once each, in a sound database', { timeout: 120_000 }, async () => {
    const acknowledged = new Set<string>();
    let next = 0;
    for (let round = 0; round < kills; round++) {
      const collector = await start();
      let finished = () => {};
      const done = new Promise<void>((resolve) => (finished = resolve));
      const load = autocannon({
        url: collector.url,
        connections: 20,
        duration: 10,
        requests: [
          {
            method: 'POST',
            path: '/v1/batch',
            headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` },
            setupRequest: (request, context) => {
              const ids = Array.from({ length: 5 }, () => `crash-${round}-${++next}`);
              (context as Sent).ids = ids;
              return { ...request, body: JSON.stringify({ batch: ids.map((messageId) => ({ type: 'track', messageId, anonymousId: `device-${next % 97}`, event: 'Loaded' })) }) };
            },
            onResponse: (status, _body, context) => {
              if (status >= 200 && status < 300) for (const id of (context as Sent).ids) acknowledged.add(id);
            },
          },
        ],
      }, () => finished());
      // Killed mid-load, with requests in flight and a group commit likely open.
      await new Promise((resolve) => setTimeout(resolve, 1_500 + round * 300));
      collector.child.kill('SIGKILL');
      await collector.exited;
      load.stop();
      await done;
    }

    const survivor = await start();
    const stored = new Map<string, number>();
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { events: Array<{ messageId: string }>; nextCursor: string | null } = await (
        await fetch(`${survivor.url}/v1/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { headers: { Authorization: `Bearer ${secretKey}` } })
      ).json();
      for (const event of page.events) stored.set(event.messageId, (stored.get(event.messageId) ?? 0) + 1);
      cursor = page.nextCursor;
    }
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    const duplicates = [...stored.values()].filter((count) => count > 1).length;
    // Stored but never acknowledged: committed, then killed before the answer went out (allowed).
    console.log(`crash durability: ${kills} × kill -9 under load; ${acknowledged.size} events acknowledged, ${stored.size} stored, ${lost.length} acknowledged but lost, ${duplicates} duplicates`);
    expect(acknowledged.size).toBeGreaterThan(500);
    expect(lost).toEqual([]);
    expect(duplicates).toBe(0);

    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    const database = new DatabaseSync(env.JOURNEY_DB, { readOnly: true });
    expect(database.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    database.close();
  });
});
