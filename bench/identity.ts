/**
 * The identity graph's costs (issue #4), on the embedded database:
 *   - ingestion with identity: 20-event batches from known people (userId, groupId), and from
 *     people never seen before, against anonymous page views — through the real collector;
 *   - a person's timeline: 5,000 events over 10 devices, among 200,000 others' events;
 *   - an account: 200 people and 50,000 events;
 *   - linking as the graph grows to 1,000,000 identifiers: the cost of each new person.
 * Writes docs/BENCHMARKS.md.   node bench/identity.ts   (BENCH_IDENTIFIERS=1000000 by default;
 * BENCH_DEVICE_IDS=v4 gives the growing graph's new devices random ids, as Segment's libraries do)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../packages/collector/src/storage/sqlite/index.ts';
import { eventsAt } from '../packages/collector/src/storage/story.ts';
import type { NewEvent, Storage } from '../packages/collector/src/storage/port.ts';
import type autocannon from 'autocannon';
import { batchBody, load, pageEvent, startCollector, stop, uuidv7 } from './lib.ts';
import { machine, writeSection } from './report.ts';

const identifiersTarget = Number(process.env.BENCH_IDENTIFIERS ?? 1_000_000);
// New devices' ids as our SDK makes them (time-ordered, like UUIDv7), or as Segment's libraries do (random v4).
const randomDevices = process.env.BENCH_DEVICE_IDS === 'v4';
const folder = mkdtempSync(join(tmpdir(), 'journey-identity-bench-'));
const options = { autoAccounts: false };
const minute = 60_000;
const start = Date.UTC(2026, 0, 1);

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
async function timed(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const begin = performance.now();
    await work();
    samples.push(performance.now() - begin);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function appendAll(storage: Storage, events: NewEvent[]) {
  for (let i = 0; i < events.length; i += 500) await storage.appendEvents(events.slice(i, i + 500));
}

// ---- 1. Ingestion with identity, through the real collector ----
const data = join(folder, 'ingest');
const writeKey = 'wk_bench_0123456789';
const collector = await startCollector({
  JOURNEY_DB: join(data, 'journey.db'),
  JOURNEY_WRITE_KEYS: writeKey,
  JOURNEY_SECRET_KEY: 'sk_bench_0123456789abcdef',
  JOURNEY_RATE_LIMIT_IP: '0',
  JOURNEY_RATE_LIMIT_WRITE_KEY: '0',
});
const headers = { Authorization: `Basic ${btoa(`${writeKey}:`)}`, 'Content-Type': 'text/plain' };
const known = Array.from({ length: 1000 }, (_, i) => ({ anonymousId: `dev-${i}`, userId: `user-${i}`, groupId: `account-${i % 50}` }));
let next = 0;
/** 20 events of one known person, as the SDK sends them after identify and group. */
const knownTemplates = known.map((person) => batchBody(20, uuidv7, (id) => ({ ...pageEvent(id), ...person, context: { ...pageEvent(id).context, groupId: person.groupId } })));
function knownPeople(): () => string {
  return () => knownTemplates[next++ % knownTemplates.length]!();
}
let fresh = 0;
/** 20 events, each an identify of someone never seen: every one creates a person and links three identifiers. */
function newPeople(): () => string {
  return () =>
    JSON.stringify({
      batch: Array.from({ length: 20 }, () => {
        const n = ++fresh;
        return { type: 'identify', messageId: uuidv7(), anonymousId: `new-dev-${n}`, userId: `new-user-${n}`, traits: { email: `person${n}@company${n % 5000}.com` } };
      }),
    });
}
// Known means known: each of them has been seen once before the measurement.
for (const template of knownTemplates) await fetch(`${collector.url}/v1/batch`, { method: 'POST', headers, body: template() });
// Anonymous and known in turn, three rounds: one 10-second cell swings by a fifth on a shared VM,
// so the ratio is read per round, side by side, and the medians reported.
const anonymous = batchBody(20, uuidv7);
const known20 = knownPeople();
const pairs: Array<{ anonymous: autocannon.Result; known: autocannon.Result }> = [];
for (let round = 0; round < 3; round++) {
  const first = await load(collector.url, anonymous, headers);
  pairs.push({ anonymous: first, known: await load(collector.url, known20, headers) });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const newcomersLoad = await load(collector.url, newPeople(), headers);
const ingestion: Array<[string, number, number]> = [
  ['anonymous page views (no identity work)', median(pairs.map((pair) => pair.anonymous.requests.average * 20)), median(pairs.map((pair) => pair.anonymous.latency.p99))],
  ['known people: userId and groupId on every event', median(pairs.map((pair) => pair.known.requests.average * 20)), median(pairs.map((pair) => pair.known.latency.p99))],
  ['new people: every event an identify with a new user and email', newcomersLoad.requests.average * 20, newcomersLoad.latency.p99],
];
const knownShares = pairs.map((pair) => Math.round((100 * pair.known.requests.average) / pair.anonymous.requests.average));
await stop(collector);

// ---- 2. A heavy person and a big account, among others ----
const storage = await openSqliteStorage(join(folder, 'queries', 'journey.db'));
const others: NewEvent[] = [];
for (let p = 0; p < 20_000; p++) {
  others.push(
    ...eventsAt(`bg`, [
      [start + p * minute, { type: 'identify', anonymousId: `bg-dev-${p}`, userId: `bg-user-${p}`, traits: { email: `bg${p}@example${p % 300}.com` } }],
      ...Array.from({ length: 9 }, (_, i) => [start + p * minute + (i + 1) * 1000, { type: 'page', anonymousId: `bg-dev-${p}`, userId: `bg-user-${p}` }] as [number, Record<string, unknown>]),
    ]).map((event) => ({ ...event, site: 'default', messageId: `bg-${p}-${event.messageId}` })),
  );
}
await appendAll(storage, others);
const heavy: Array<[number, Record<string, unknown>]> = [];
for (let device = 0; device < 10; device++) {
  const at = start + device * 24 * 60 * minute;
  for (let i = 0; i < 250; i++) heavy.push([at + i * 1000, { type: 'page', anonymousId: `heavy-dev-${device}` }]);
  heavy.push([at + 250_000, { type: 'identify', anonymousId: `heavy-dev-${device}`, userId: 'heavy-user' }]);
  for (let i = 0; i < 249; i++) heavy.push([at + 251_000 + i * 1000, { type: 'track', anonymousId: `heavy-dev-${device}`, userId: 'heavy-user', event: 'Clicked' }]);
}
await appendAll(storage, eventsAt('heavy', heavy).map((event) => ({ ...event, site: 'default' })));
const accountEvents: Array<[number, Record<string, unknown>]> = [];
for (let p = 0; p < 200; p++) {
  const at = start + p * 5 * minute;
  accountEvents.push([at, { type: 'group', anonymousId: `acct-dev-${p}`, userId: `acct-user-${p}`, groupId: 'big-account', traits: { domain: 'big-account.com' } }]);
  for (let i = 0; i < 249; i++) accountEvents.push([at + (i + 1) * 1000, { type: 'page', anonymousId: `acct-dev-${p}`, userId: `acct-user-${p}` }]);
}
await appendAll(storage, eventsAt('acct', accountEvents).map((event) => ({ ...event, site: 'default' })));

const queries: Array<[string, { p50: number; p95: number }, string]> = [
  ['person by userId (identifiers, devices, traits, accounts)', await timed(200, () => storage.findPerson('default', 'heavy-user', options)), '—'],
  ['person timeline, first page of 100 (5,000 events, 10 devices)', await timed(200, () => storage.personEvents('default', 'heavy-user', { limit: 100 })), '≤ 20 ms'],
  ['account, its 200 people', await timed(100, () => storage.accountPeople('default', 'big-account', options)), '—'],
  ['account timeline, first page of 100 (200 people, 50,000 events)', await timed(100, () => storage.accountEvents('default', 'big-account', { limit: 100 }, options)), '≤ 50 ms'],
];
await storage.close();

// ---- 3. Linking as the graph grows ----
const growing = await openSqliteStorage(join(folder, 'growth', 'journey.db'));
const curve: Array<[number, number, number, number]> = [];
let people = 0;
/** `count` people never seen before, each an identify linking a device, a user id and an email. */
const newcomers = (prefix: string, count: number): NewEvent[] =>
  eventsAt(prefix, Array.from({ length: count }, () => {
    const n = ++people;
    return [start + n * 1000, { type: 'identify', anonymousId: randomDevices ? crypto.randomUUID() : `g-dev-${n}`, userId: `g-user-${n}`, traits: { email: `g${n}@firm${n % 10_000}.com` } }] as [number, Record<string, unknown>];
  })).map((event) => ({ ...event, site: 'default' }));
const rounds = 3;
const checkpoints = [10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000].filter((n) => n <= identifiersTarget);
for (const target of checkpoints) {
  // Grow to the checkpoint (three identifiers per person: device, user id, email)…
  while (people * 3 < target - rounds * 3000) await appendAll(growing, newcomers(`g${people}`, Math.min(1000, Math.ceil((target - rounds * 3000 - people * 3) / 3))));
  // …then time the next 1,000 new people, three times over: one round alone swings by a third on a VM.
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const batch = newcomers(`m${target}-${round}`, 1000);
    const begin = performance.now();
    await appendAll(growing, batch);
    times.push((performance.now() - begin) / 1000);
  }
  curve.push([people * 3, percentile(times, 50), Math.min(...times), Math.max(...times)]);
  console.log(`${people * 3} identifiers: ${times.map((time) => (time * 1000).toFixed(0)).join(', ')} µs per new person`);
}
await growing.close();
rmSync(folder, { recursive: true, force: true });

const base = ingestion[0]![1];
const markdown = `## Identity graph (\`npm run bench:identity\`)

Machine: ${machine()}.

Ingestion through the collector (as \`npm run bench\`: autocannon, 20-event batches):

Anonymous and known people measured in turn, three rounds of 10 s each (medians below); known
people's share of anonymous throughput in each round: ${knownShares.map((share) => `${share} %`).join(', ')}.

| events | events/s | vs anonymous | p99 |
| --- | ---: | ---: | ---: |
${ingestion.map(([name, rate, p99]) => `| ${name} | ${Math.round(rate).toLocaleString('en')} | ${Math.round((100 * rate) / base)} % | ${p99} ms |`).join('\n')}

Target: identity costs at most 20 % of ingestion throughput. Known people (the steady state: every
SDK event after identify carries userId and anonymousId) should be within it; a stream in which
every event is someone new pays for creating three identifiers and a person each time.

Reads on the embedded database, among 200,000 other people's events:

| query | p50 | p95 | target |
| --- | ---: | ---: | --- |
${queries.map(([name, { p50, p95 }, target]) => `| ${name} | ${ms(p50)} | ${ms(p95)} | ${target} |`).join('\n')}

Linking as the graph grows (each new person: an identify linking a device, a user id and an email;
${randomDevices ? 'device ids random (UUIDv4, as Segment’s libraries make them)' : 'device ids time-ordered, as the SDK’s UUIDv7 are'}):

| identifiers in the graph | time per new person (median of 3 × 1,000) | fastest – slowest round |
| ---: | ---: | ---: |
${curve.map(([identifiers, median, fastest, slowest]) => `| ${identifiers.toLocaleString('en')} | ${(median * 1000).toFixed(0)} µs | ${(fastest * 1000).toFixed(0)}–${(slowest * 1000).toFixed(0)} µs |`).join('\n')}`;
console.log(markdown);
writeSection('identity', markdown);
