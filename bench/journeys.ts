/**
 * Journeys (issue #6) on the embedded database: the generator's data set ingested through the
 * collector app (in process, real SQLite file), its offline touchpoints imported, then
 * GET /v1/persons/:ref/journey and GET /v1/accounts/:ref/journey timed for the biggest accounts and
 * their people. Writes docs/BENCHMARKS.md.
 *
 *   node bench/journeys.ts        (BENCH_PEOPLE=5000 BENCH_ACCOUNTS=200 BENCH_EVENTS=100000 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../packages/generator/src/index.ts';
import { createCollector } from '../packages/collector/src/app.ts';
import { openSqliteStorage } from '../packages/collector/src/storage/sqlite/index.ts';
import { machine, writeSection } from './report.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 5_000);
const accounts = Number(process.env.BENCH_ACCOUNTS ?? 200);
const eventsTarget = Number(process.env.BENCH_EVENTS ?? 100_000);
const writeKey = 'wk_bench_0123456789';
const secretKey = 'sk_bench_0123456789abcdef';

const folder = mkdtempSync(join(tmpdir(), 'journey-journeys-bench-'));
const storage = await openSqliteStorage(join(folder, 'journey.db'));
const app = createCollector({
  storage,
  config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey, rateLimit: { perWriteKey: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0, burst: 0 } } },
});
const dataset = generate({ seed: 1, people, accounts, events: eventsTarget });

let sent = 0;
const began = performance.now();
for (const batch of dataset.batches(500)) {
  const response = await app.request('/v1/batch', { method: 'POST', body: JSON.stringify({ batch }), headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` } });
  if (!response.ok) throw new Error(`batch refused: ${await response.text()}`);
  sent += batch.length;
}
const ingestSeconds = (performance.now() - began) / 1000;
const admin = { Authorization: `Bearer ${secretKey}` };
await app.request('/v1/import', { method: 'POST', body: JSON.stringify(dataset.touchpoints), headers: { ...admin, 'Content-Type': 'application/json' } });

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
async function timed(paths: string[]): Promise<{ p50: number; p95: number; touches: number }> {
  const samples: number[] = [];
  let touches = 0;
  for (const path of [...paths.slice(0, 3), ...paths]) {
    const begin = performance.now();
    const response = await app.request(path, { headers: admin });
    const body = await response.json();
    samples.push(performance.now() - begin);
    touches = Math.max(touches, body.stats?.touches ?? 0);
  }
  return { p50: percentile(samples.slice(3), 50), p95: percentile(samples.slice(3), 95), touches };
}

const known = new Set(dataset.truth.people.filter((person) => person.userId).map((person) => person.accountId));
const biggest = dataset.truth.accounts.filter((account) => known.has(account.id)).sort((a, b) => b.touches.total - a.touches.total).slice(0, 50);
const accountTimes = await timed(biggest.map((account) => `/v1/accounts/${account.id}/journey`));
const identified = dataset.truth.people.filter((person) => person.userId).sort((a, b) => b.touches.total - a.touches.total).slice(0, 200);
const personTimes = await timed(identified.map((person) => `/v1/persons/${person.userId}/journey`));
await storage.close();
rmSync(folder, { recursive: true, force: true });

const ms = (value: number) => `${value.toFixed(1)} ms`;
const markdown = `## Journeys (\`npm run bench:journeys\`)

Machine: ${machine()}. The generator's data set (seed 1: ${people.toLocaleString('en')} people,
${accounts.toLocaleString('en')} accounts, ${sent.toLocaleString('en')} events, ${dataset.touchpoints.length.toLocaleString('en')} offline touchpoints) ingested through the collector app in
process on a SQLite file, one 500-event batch at a time (${Math.round(sent / ingestSeconds).toLocaleString('en')} events/s with identity: not the collector's
throughput, which \`npm run bench\` measures under concurrent load), then each journey read through the HTTP API in process. Journeys are derived at request time from the stored timeline (docs/ANALYTICS.md).

| journey | runs | p50 | p95 | largest (touches) | target |
| --- | ---: | ---: | ---: | ---: | --- |
| account (${biggest.length} with the most touches) | ${biggest.length} | ${ms(accountTimes.p50)} | ${ms(accountTimes.p95)} | ${accountTimes.touches} | ≤ 50 ms p95 (issue #6, on 1M events) |
| person (${identified.length} identified, most touches) | ${identified.length} | ${ms(personTimes.p50)} | ${ms(personTimes.p95)} | ${personTimes.touches} | — |`;
console.log(markdown);
writeSection('journeys', markdown);
