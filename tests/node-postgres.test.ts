import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { basic, startCollector, type CollectorProcess } from './support.ts';

const server = process.env.JOURNEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `journey_e2e_${process.pid}`;
const url = server.replace(/\/[^/]*$/, `/${database}`);

async function admin(query: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(query);
    return true;
  } catch (error) {
    if (process.env.CI) throw error;
    console.warn(`Skipping the PostgreSQL collector test: ${server} does not answer (${String(error)})`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await admin(`drop database if exists ${database}`);

describe.runIf(available)('npm start with JOURNEY_DB=postgres://…', () => {
  let collector: CollectorProcess;
  beforeAll(async () => {
    await admin(`create database ${database}`);
    collector = await startCollector({ JOURNEY_DB: url, JOURNEY_WRITE_KEYS: 'wk_pg_0123456789', JOURNEY_SECRET_KEY: 'sk_pg_0123456789abcdef' });
  });
  afterAll(async () => {
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    await admin(`drop database if exists ${database}`);
  });

  it('stores events in PostgreSQL and reads the people back', async () => {
    expect(collector.output()).toContain(`postgres://postgres@127.0.0.1:5432/${database}`);
    const sent = await fetch(`${collector.url}/v1/batch`, {
      method: 'POST',
      headers: { Authorization: basic('wk_pg_0123456789') },
      body: JSON.stringify({
        batch: [
          { type: 'page', messageId: 'pg-1', anonymousId: 'device-1' },
          { type: 'identify', messageId: 'pg-2', anonymousId: 'device-1', userId: 'u-pg', traits: { email: 'pg@acme.com' } },
        ],
      }),
    });
    expect(await sent.json()).toMatchObject({ accepted: 2 });
    const person = await (await fetch(`${collector.url}/v1/persons/pg@acme.com`, { headers: { Authorization: 'Bearer sk_pg_0123456789abcdef' } })).json();
    expect(person.identifiers.map((id: { value: string }) => id.value).sort()).toEqual(['device-1', 'pg@acme.com', 'u-pg']);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`select tableoid::regclass::text as partition, count(*)::int as n from events group by 1`);
    await client.end();
    // This month's partition, made at start.
    const month = new Date().toISOString().slice(0, 7).replace('-', '_');
    expect(rows).toEqual([{ partition: `events_${month}`, n: 2 }]);
  });
});
