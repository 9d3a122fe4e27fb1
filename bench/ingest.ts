/**
 * Ingestion throughput, in one run side by side on this machine:
 *   (a) Hono's hello world on @hono/node-server,
 *   (b) POST /v1/batch with 1 event, (c) with 20 events — to the real collector process on its
 *   default SQLite file (each commit fsynced before the answer), every request with new messageIds
 *   so each is stored.
 * Targets (issue #2): (b) ≥ 50 % of (a)'s requests/s; (c) ≥ 40,000 events/s durably committed;
 * p99 ≤ 50 ms; peak RSS ≤ 200 MB. Writes the table to docs/BENCHMARKS.md.
 *
 *   node bench/ingest.ts            (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { batchBody, connections, load, seconds, start, startCollector, stop, uuidv7 } from './lib.ts';
import { machine, peakRssMb, writeSection } from './report.ts';

interface Row {
  name: string;
  requests: number;
  events?: number;
  p99: number;
  errors: number;
  rssMb?: number | undefined;
}

const rows: Row[] = [];
const writeKey = 'wk_bench_0123456789';
const secretKey = 'sk_bench_0123456789abcdef';
const headers = { Authorization: `Basic ${btoa(`${writeKey}:`)}`, 'Content-Type': 'text/plain' };

const hello = await start(['bench/hello.ts']);
const baseline = await load(hello.url);
rows.push({ name: '(a) Hono hello world', requests: baseline.requests.average, p99: baseline.latency.p99, errors: baseline.non2xx + baseline.errors, rssMb: peakRssMb(hello.child.pid!) });
// Not a target: the ceiling. Bare Hono reading the same 1-event body and answering, nothing more.
const echo = await load(hello.url, batchBody(1, uuidv7), headers);
rows.push({ name: "(a') Hono POST, body read, no work", requests: echo.requests.average, p99: echo.latency.p99, errors: echo.non2xx + echo.errors, rssMb: peakRssMb(hello.child.pid!) });
await stop(hello);

const data = mkdtempSync(join(tmpdir(), 'journey-bench-'));
const database = join(data, 'journey.db');
const collector = await startCollector({
  JOURNEY_DB: database,
  JOURNEY_WRITE_KEYS: writeKey,
  JOURNEY_SECRET_KEY: secretKey,
  JOURNEY_RATE_LIMIT_IP: '0',
  JOURNEY_RATE_LIMIT_WRITE_KEY: '0',
});
let accepted = 0;
const runs = [
  { name: '(b) POST /v1/batch, 1 event', events: 1, messageId: uuidv7 },
  { name: '(c) POST /v1/batch, 20 events', events: 20, messageId: uuidv7 },
  { name: "(c') 20 events, random v4 messageIds", events: 20, messageId: () => crypto.randomUUID() },
];
for (const run of runs) {
  const result = await load(collector.url, batchBody(run.events, run.messageId), headers);
  accepted += result['2xx'] * run.events;
  rows.push({
    name: run.name,
    requests: result.requests.average,
    events: result.requests.average * run.events,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    rssMb: peakRssMb(collector.child.pid!),
  });
}
// The journey rollup follows ingestion in the background, resting three times as long as each
// pass takes: how far behind it is shows as the time the first query waits for it.
const reader = new DatabaseSync(database, { readOnly: true });
const behind = (reader.prepare("SELECT (SELECT max(seq) FROM events) - coalesce((SELECT seq FROM journey_rollup WHERE name = 'touchpoints'), 0) AS n").get() as { n: number }).n;
reader.close();
const caughtUp = performance.now();
const query = await fetch(`${collector.url}/v1/funnel?from=2000-01-01&to=2100-01-01`, { headers: { Authorization: `Bearer ${secretKey}` } });
if (!query.ok) throw new Error(`the query after the load failed: ${query.status} ${await query.text()}`);
const catchUp = Math.round(performance.now() - caughtUp);
await stop(collector);
const stored = (new DatabaseSync(database, { readOnly: true }).prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
rmSync(data, { recursive: true, force: true });

const [a, , b, c] = rows as [Row, Row, Row, Row, Row];
const rssMb = Math.max(...rows.slice(2).map((row) => row.rssMb ?? 0));
const checks = [
  [`(b) ≥ 50 % of (a)'s requests/s`, `${Math.round((100 * b.requests) / a.requests)} %`, b.requests >= a.requests / 2],
  ['(c) ≥ 40,000 events/s committed', `${Math.round(c.events!).toLocaleString('en')} events/s`, c.events! >= 40_000],
  ['p99 ≤ 50 ms', `${Math.max(b.p99, c.p99)} ms`, Math.max(b.p99, c.p99) <= 50],
  ['peak RSS ≤ 200 MB', `${rssMb} MB`, rssMb <= 200],
  ['every acknowledged event stored', `${stored.toLocaleString('en')} stored ≥ ${accepted.toLocaleString('en')} acknowledged`, stored >= accepted],
] as const;

const table = [
  '| run | requests/s | events/s | p99 latency | errors | peak RSS |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${Math.round(row.requests).toLocaleString('en')} | ${row.events === undefined ? '—' : Math.round(row.events).toLocaleString('en')} | ${row.p99} ms | ${row.errors} | ${row.rssMb ?? '?'} MB |`,
  ),
].join('\n');
const verdicts = ['| target | measured | met |', '| --- | --- | --- |', ...checks.map(([target, value, met]) => `| ${target} | ${value} | ${met ? 'yes' : '**no**'} |`)].join('\n');

const markdown = `## Ingestion (\`npm run bench\`)

Machine: ${machine()}. autocannon, ${connections} connections, ${seconds} s per run, on the same machine as the server
(so the load generator takes CPU from it). The collector runs as \`npm start\` does (the built bundle, SQLite
file, WAL, every commit fsynced before the answer), on one growing database across the runs. Every
request carries new messageIds: UUIDv7 (time-ordered) in (b) and (c), random v4 in (c').

${table}

${verdicts}

At the end of the load the journey rollup, which follows ingestion in the background resting three times
as long as each pass takes, was ${behind.toLocaleString('en')} events behind; the first query waited for it to catch up and
answered in ${catchUp.toLocaleString('en')} ms.`;
console.log(markdown);
writeSection('ingest', markdown);
