/**
 * Ingestion by runtime × engine, in one run on this machine: the collector on Node, Bun and Deno,
 * each on its embedded SQLite and on PostgreSQL, and the Worker on D1 in workerd (wrangler dev,
 * local: D1 there is SQLite in a local Durable Object, not Cloudflare's network). Each cell is
 * POST /v1/batch with 20 new events per request, as in `npm run bench` (c).
 *
 *   node bench/runtimes.ts            (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchBody, connections, load, root, seconds, start, stop, uuidv7, type Server } from './lib.ts';
import { machine, peakRssMb, writeSection } from './report.ts';
import { freePort } from '../packages/collector/src/testing/wrangler.ts';
import { createDatabase } from '../tests/postgres.ts';

const writeKey = 'wk_bench_0123456789';
const secretKey = 'sk_bench_0123456789abcdef';
const headers = { Authorization: `Basic ${btoa(`${writeKey}:`)}`, 'Content-Type': 'text/plain' };
const settings = { JOURNEY_WRITE_KEYS: writeKey, JOURNEY_SECRET_KEY: secretKey, JOURNEY_RATE_LIMIT_IP: '0', JOURNEY_RATE_LIMIT_WRITE_KEY: '0' };

const entries = {
  node: [process.execPath, ['--enable-source-maps', '--max-semi-space-size=8', 'packages/collector/dist/node.mjs']],
  bun: [join(root, 'node_modules/.bin/bun'), ['packages/collector/src/bun/main.ts']],
  deno: [join(root, 'node_modules/.bin/deno'), ['run', '-A', 'packages/collector/src/deno/main.ts']],
} as const;

interface Target {
  server: Server;
  /** The process whose memory counts (workerd, under wrangler). */
  pid: () => number | undefined;
  cleanUp(): Promise<void>;
}

async function onServerRuntime(runtime: keyof typeof entries, engine: 'SQLite' | 'PostgreSQL'): Promise<Target> {
  const [binary, args] = entries[runtime];
  if (engine === 'SQLite') {
    const data = mkdtempSync(join(tmpdir(), 'journey-bench-'));
    const server = await start([...args], { ...settings, JOURNEY_DB: join(data, 'journey.db') }, binary);
    return { server, pid: () => server.child.pid, cleanUp: async () => rmSync(data, { recursive: true, force: true }) };
  }
  const database = await createDatabase(`bench_${runtime}`);
  const server = await start([...args], { ...settings, JOURNEY_DB: database.url }, binary);
  return { server, pid: () => server.child.pid, cleanUp: database.drop };
}

async function onWorkerd(): Promise<Target> {
  const example = join(root, 'examples/cloudflare-worker');
  const state = mkdtempSync(join(tmpdir(), 'journey-bench-d1-'));
  const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
  execFileSync(process.execPath, ['assets.ts'], { cwd: example, stdio: 'ignore' });
  execFileSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'journey', '--local', '--persist-to', state], { cwd: example, env, stdio: 'ignore' });
  const vars = Object.entries(settings).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
  const port = await freePort();
  const server = await start(
    [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false', ...vars],
    { WRANGLER_SEND_METRICS: 'false' },
    process.execPath,
    example,
  );
  const workerd = () => {
    try {
      // workerd runs under wrangler's own children: the newest workerd is this one.
      return Number(execFileSync('pgrep', ['-n', 'workerd'], { encoding: 'utf8' }).trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  return { server, pid: workerd, cleanUp: async () => rmSync(state, { recursive: true, force: true }) };
}

execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const cells: Array<{ runtime: string; engine: string; open: () => Promise<Target> }> = [
  ...(['node', 'bun', 'deno'] as const).flatMap((runtime) =>
    (['SQLite', 'PostgreSQL'] as const).map((engine) => ({ runtime: runtime[0]!.toUpperCase() + runtime.slice(1), engine, open: () => onServerRuntime(runtime, engine) })),
  ),
  { runtime: 'Workers (workerd, local)', engine: 'D1 (local)', open: onWorkerd },
];

const rows: string[] = [];
for (const cell of cells) {
  const target = await cell.open();
  try {
    // A short unmeasured run first: JIT warm-up and the first pages of a new database.
    await load(target.server.url, batchBody(20, uuidv7), headers, 3);
    const result = await load(target.server.url, batchBody(20, uuidv7), headers);
    const pid = target.pid();
    rows.push(
      `| ${cell.runtime} | ${cell.engine} | ${Math.round(result.requests.average * 20).toLocaleString('en')} | ${Math.round(result.requests.average).toLocaleString('en')} | ${result.latency.p50} ms | ${result.latency.p99} ms | ${result.non2xx + result.errors} | ${(pid && peakRssMb(pid)) ?? '?'} MB |`,
    );
    console.log(rows.at(-1));
  } finally {
    await stop(target.server);
    await target.cleanUp();
  }
}

const markdown = `## Ingestion by runtime and engine (\`npm run bench:runtimes\`)

Machine: ${machine()}. autocannon, ${connections} connections, ${seconds} s per cell after 3 s of
warm-up, on the same machine as the server. POST /v1/batch with 20 new page events per request (UUIDv7 messageIds), every one stored
before the answer. SQLite: Node and Deno use node:sqlite, Bun bun:sqlite, each a fresh file. PostgreSQL:
the local server (127.0.0.1:5432), a fresh database per cell, 10 connections. Workers: the example in
\`examples/cloudflare-worker\` under \`wrangler dev\`, where D1 is SQLite inside a local Durable Object and
every write goes through the collector's Durable Object — a functional baseline, not a forecast of
Cloudflare's network (RSS is workerd's).

| runtime | engine | events/s | requests/s | p50 | p99 | errors | peak RSS |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`;
console.log(markdown);
writeSection('runtimes', markdown);
