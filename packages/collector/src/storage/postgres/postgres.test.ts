import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { storageContract } from '../contract.ts';
import { identityContract } from '../identity-contract.ts';
import { importContract } from '../import-contract.ts';
import { analyticsContract } from '../analytics-contract.ts';
import { webhookContract } from '../webhook-contract.ts';
import type { Storage } from '../port.ts';
import { openPostgresStorage } from './index.ts';
import { story } from '../story.ts';
import { newEvent } from '../contract.ts';
import { keptStaging } from '../../analytics/kept-staging.ts';
import { stagedOwners } from '../../analytics/staged-owners.ts';
import { defaultStageModel } from '../../journey/stages.ts';

const url = process.env.JOURNEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A real server, as in CI (127.0.0.1:5432, database test). Where none answers, the suite is
 * skipped with the reason printed; in CI (CI=1) that is a failure, never a silent skip.
 */
async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`CI must run the PostgreSQL contract suite, but ${url} does not answer: ${String(error)}`);
    console.warn(`Skipping PostgreSQL tests: ${url} does not answer (${String(error)}); set JOURNEY_TEST_POSTGRES`);
    return false;
  }
}

const available = await reachable();
const schemas: string[] = [];
const schemaOf = new WeakMap<Storage, string>();

async function open(schema = `journey_test_${process.pid}_${schemas.length}_${Math.random().toString(36).slice(2, 8)}`): Promise<Storage> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const storage = await openPostgresStorage(url, { schema, connections: 3 });
  schemaOf.set(storage, schema);
  return storage;
}

/** Every row of every table in the storage's schema. */
async function dump(storage: Storage): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = schemaOf.get(storage)!;
  const { rows: tables } = await client.query(`select table_name from information_schema.tables where table_schema = $1`, [schema]);
  const contents = [];
  for (const { table_name } of tables) contents.push([table_name, (await client.query(`select * from "${schema}"."${table_name}"`)).rows]);
  await client.end();
  return JSON.stringify(contents);
}

afterAll(async () => {
  if (!available || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describe.runIf(available)('PostgreSQL', () => {
  const subject = { open: () => open(), reopen: (closed: Storage) => open(schemaOf.get(closed)), dump };
  storageContract('PostgreSQL', subject);
  identityContract('PostgreSQL', subject);
  importContract('PostgreSQL', subject);
  analyticsContract('PostgreSQL', subject);
  webhookContract('PostgreSQL', subject);
});

describe.runIf(available)('PostgreSQL shared with others', () => {
  it('opens while other schemas of the database come and go', { timeout: 60_000 }, async () => {
    // Other collectors (or test runs) on the same database create and drop their schemas; the
    // migrator's look at what tables exist reads every schema, one dropped under it included.
    const churn = new pg.Client({ connectionString: url });
    await churn.connect();
    let churning = true;
    const dropping = (async () => {
      for (let round = 0; churning; round++) {
        const schema = `journey_churn_${process.pid}_${round}`;
        await churn.query(`create schema "${schema}"`);
        await churn.query(`create table "${schema}".t (a int)`);
        await churn.query(`drop schema "${schema}" cascade`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      for (let start = 0; start < 20; start++) await (await open()).close();
    } finally {
      churning = false;
      await dropping;
      await churn.end();
    }
  });
});

describe.runIf(available)('PostgreSQL partitions', () => {
  it('puts each month in its partition and older history in the default one', async () => {
    const storage = await open();
    const { newEvent } = await import('../contract.ts');
    const now = Date.now();
    await storage.appendEvents([newEvent({ timestamp: now }), newEvent({ timestamp: Date.UTC(2020, 4, 1) })]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`select tableoid::regclass::text as partition from "${schemaOf.get(storage)}".events order by "timestamp"`);
    await client.end();
    await storage.close();
    const month = new Date(now).toISOString().slice(0, 7).replace('-', '_');
    expect(rows.map((row) => row.partition.replace(/^.*\./, ''))).toEqual(['events_default', `events_${month}`]);
  });
});

describe.runIf(available)('PostgreSQL, two collectors', () => {
  it("follows the other collector's events and admin changes in what it keeps staged", async () => {
    const schema = `journey_test_${process.pid}_shared_${Math.random().toString(36).slice(2, 8)}`;
    const [one, two] = [await open(schema), await open(schema)];
    const options = { personTraits: [], autoAccounts: true };
    const kept = keptStaging({ storage: two, model: defaultStageModel, facts: options });
    const whole = async () => stagedOwners(await two.journeyFacts('default', options), defaultStageModel);
    await one.appendEvents(story().slice(0, 12));
    expect(await kept('default')).toEqual(await whole());
    await one.appendEvents(story().slice(12));
    await one.journeyVersion(); // the first collector's rollup follows them
    expect(await kept('default')).toEqual(await whole());
    const before = await two.journeyVersion();
    await one.erasePerson('default', 'u-ann');
    expect(await two.journeyChanges('default', before)).toMatchObject({ full: true });
    const after = await kept('default');
    expect(after).toEqual(await whole());
    await Promise.all([one.close(), two.close()]);
  });
});

describe.runIf(available)('PostgreSQL, commits out of seq order', () => {
  it('follows an event whose transaction commits after a later seq was followed', async () => {
    const storage = await open();
    const schema = schemaOf.get(storage)!;
    const at = Date.UTC(2026, 0, 12, 9);
    const view = (device: string, messageId: string, time: number, path: string) => {
      const payload = { type: 'page', messageId, anonymousId: device, timestamp: new Date(time).toISOString(), context: { page: { url: `https://www.northwind.io${path}`, path } } };
      return newEvent({ messageId, type: 'page', anonymousId: device, timestamp: time, receivedAt: time, payload: JSON.stringify(payload) });
    };
    await storage.appendEvents([view('early', 'early-1', at, '/')]);
    await storage.journeyVersion();

    // Another collector's transaction takes a seq, and commits only after later events were followed.
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    await slow.query('begin');
    const late = view('slow-tab', 'slow-1', at + 60_000, '/pricing');
    await slow.query(
      `insert into "${schema}".events (site, message_id, type, anonymous_id, user_id, group_id, "timestamp", received_at, payload) values ($1, $2, $3, $4, null, null, $5, $6, $7)`,
      [late.site, late.messageId, late.type, late.anonymousId, late.timestamp, late.receivedAt, late.payload],
    );
    await storage.appendEvents([view('early', 'early-2', at + 120_000, '/docs'), view('other', 'other-1', at + 180_000, '/')]);
    const before = await storage.journeyVersion();
    await slow.query('commit');
    await slow.end();
    // Nothing new after it: the position stays, yet what is kept staged must hear of it.
    expect(await storage.journeyVersion()).not.toBe(before);
    expect(await storage.journeyChanges('default', before)).toMatchObject({ full: false, streams: expect.arrayContaining(['slow-tab']) });

    const { touchpoints } = await storage.journeyFacts('default', { personTraits: [], autoAccounts: false });
    expect(touchpoints.filter((t) => t.kind === 'session').map((t) => [t.stream, t.name]).sort()).toEqual([
      ['early', '/'],
      ['other', '/'],
      ['slow-tab', '/pricing'],
    ]);
    await storage.close();
  });
});
