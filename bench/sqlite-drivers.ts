/**
 * node:sqlite against better-sqlite3 on the collector's own write: a prepared one-row INSERT … ON
 * CONFLICT DO NOTHING per event into the events table with its indexes, in transactions of 20
 * and 200 events, WAL mode. better-sqlite3 is installed into bench/.cache for the run only (it is
 * a native addon, and the collector does not depend on it). Writes a table to docs/BENCHMARKS.md.
 *
 *   node bench/sqlite-drivers.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { machine, writeSection } from './report.ts';

const cache = resolve(import.meta.dirname, '.cache');
if (!existsSync(join(cache, 'node_modules/better-sqlite3'))) {
  mkdirSync(cache, { recursive: true });
  execFileSync('npm', ['install', '--prefix', cache, '--no-save', 'better-sqlite3'], { stdio: 'inherit' });
}
const BetterSqlite3 = createRequire(join(cache, 'index.js'))('better-sqlite3');

interface Driver {
  exec(sql: string): void;
  prepare(sql: string): { run(...values: unknown[]): unknown };
  close(): void;
}

const payload = JSON.stringify({
  type: 'page',
  context: { page: { url: 'https://acme.com/pricing', path: '/pricing', title: 'Pricing' }, userAgent: 'Mozilla/5.0 (Macintosh) Chrome/131', locale: 'en-US' },
  properties: { plan: 'team' },
});

function measure(open: (path: string) => Driver, perTransaction: number, total = 60_000): number {
  const folder = mkdtempSync(join(tmpdir(), 'journey-drivers-'));
  const db = open(join(folder, 'bench.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, message_id TEXT NOT NULL,
    type TEXT NOT NULL, anonymous_id TEXT, user_id TEXT, timestamp INTEGER NOT NULL, received_at INTEGER NOT NULL,
    payload TEXT NOT NULL, UNIQUE (site, message_id))`);
  db.exec('CREATE INDEX events_anonymous_id ON events (anonymous_id, seq)');
  db.exec('CREATE INDEX events_user_id ON events (user_id, seq)');
  const insert = db.prepare(`INSERT INTO events (site, message_id, type, anonymous_id, user_id, timestamp, received_at, payload)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, message_id) DO NOTHING`);
  const start = performance.now();
  for (let n = 0; n < total; ) {
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < perTransaction; i++, n++) {
      insert.run('default', crypto.randomUUID(), 'page', `anon-${n % 5000}`, null, Date.now(), Date.now(), payload);
    }
    db.exec('COMMIT');
  }
  const perSecond = total / ((performance.now() - start) / 1000);
  db.close();
  rmSync(folder, { recursive: true, force: true });
  return perSecond;
}

const drivers: Array<[string, (path: string) => Driver]> = [
  ['node:sqlite (built in)', (path) => new DatabaseSync(path) as unknown as Driver],
  [`better-sqlite3 ${createRequire(join(cache, 'index.js'))('better-sqlite3/package.json').version}`, (path) => new BetterSqlite3(path)],
];
const rows = drivers.map(([name, open]) => {
  const [twenty, twoHundred] = [20, 200].map((size) => Math.round(measure(open, size)));
  return `| ${name} | ${twenty!.toLocaleString('en')} | ${twoHundred!.toLocaleString('en')} |`;
});

const markdown = `## SQLite drivers (\`npm run bench:sqlite\`)

Machine: ${machine()}. Events inserted per second, single thread, the collector's schema and
statement, WAL with synchronous=NORMAL (the fsync is measured by the ingestion benchmark).

| driver | 20 per transaction | 200 per transaction |
| --- | ---: | ---: |
${rows.join('\n')}

messageIds are random UUIDs, as the SDK and Segment's libraries make them, so the unique index
takes random inserts. The two drivers are within a few per cent of each other; the collector uses
node:sqlite because it ships with Node (and Deno), so a fresh \`npm install\` builds no native addon.`;
console.log(markdown);
writeSection('sqlite-drivers', markdown);
