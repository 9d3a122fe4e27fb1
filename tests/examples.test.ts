import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDatabase, postgresAvailable } from './postgres.ts';
import { basic, root, runtimeAvailable, startProcess, stopCollector, tempDir, type CollectorProcess } from './support.ts';

const keys = { JOURNEY_WRITE_KEYS: 'wk_example_0123456789', JOURNEY_SECRET_KEY: 'sk_example_0123456789abcdef' };

const cleanUps: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

/** `npm start -w examples/<name>`, as the example's README says, on a free port. */
async function startExample(name: string, env: Record<string, string>): Promise<CollectorProcess> {
  const example = await startProcess('npm', ['start', '--silent', '-w', `examples/${name}`], { env: { PORT: '0', ...keys, ...env }, group: true });
  cleanUps.push(async () => {
    await stopCollector(example).catch(() => {});
  });
  return example;
}

/** What every example must do: serve the demo site's pages, take an event, give it back, stop cleanly. */
async function roundTrip(example: CollectorProcess, label: string): Promise<void> {
  const page = await (await fetch(`${example.url}/pricing`)).text();
  expect(page).toContain('<h1>Pricing</h1>');
  expect(page).toContain(`data-write-key="${keys.JOURNEY_WRITE_KEYS}"`);

  const sent = await fetch(`${example.url}/v1/track`, {
    method: 'POST',
    headers: { Authorization: basic(keys.JOURNEY_WRITE_KEYS), 'Content-Type': 'application/json' },
    body: JSON.stringify({ messageId: `${label}-1`, anonymousId: `${label}-device`, event: 'Requested Demo' }),
  });
  expect(await sent.json()).toEqual({ success: true, accepted: 1, duplicates: 0, rejected: [] });
  const read = await fetch(`${example.url}/v1/events?anonymousId=${label}-device`, { headers: { Authorization: `Bearer ${keys.JOURNEY_SECRET_KEY}` } });
  expect((await read.json()).events).toMatchObject([{ messageId: `${label}-1`, event: 'Requested Demo' }]);

  await stopCollector(example);
  expect(example.output()).toContain("SIGTERM: finishing open requests, then saving the journeys' staging and closing the database");
}

describe.each([
  ['bun', 'bun:sqlite'],
  ['deno', 'node:sqlite'],
] as const)('examples/%s', (runtime, driver) => {
  it.runIf(runtimeAvailable(runtime))(`runs the collector on ${runtime} (${driver}) with the demo site`, async () => {
    const data = tempDir(`example-${runtime}`);
    cleanUps.push(data.remove);
    const example = await startExample(runtime, { JOURNEY_DB: join(data.path, 'journey.db') });
    expect(example.output()).toContain(`database    ${join(data.path, 'journey.db')}`);
    await roundTrip(example, `example-${runtime}`);
  });
});

const postgres = await postgresAvailable('the examples/node-postgres test');
describe.runIf(postgres)('examples/node-postgres', () => {
  it('runs the Node collector on PostgreSQL, events in this month’s partition', async () => {
    const database = await createDatabase('example');
    cleanUps.push(database.drop);
    // On PostgreSQL the collector keeps keys.json in ./data; given in the environment, none is
    // written, and the folder is left empty (a developer's own, with keys, is not empty: it stays).
    cleanUps.push(() => {
      try {
        rmdirSync(join(root, 'examples/node-postgres/data'));
      } catch {}
    });
    // The environment wins over the example's postgres.env, as its README says.
    const example = await startExample('node-postgres', { JOURNEY_DB: database.url });
    expect(example.output()).toContain(`database    ${database.url}`);
    await roundTrip(example, 'example-postgres');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`select tableoid::regclass::text as partition, message_id from events`);
    await client.end();
    const month = new Date().toISOString().slice(0, 7).replace('-', '_');
    expect(rows).toEqual([{ partition: `events_${month}`, message_id: 'example-postgres-1' }]);
  });
});
