/**
 * One collector start for bench/journeys.ts: opens the bench's database as `npm start` would, in a
 * process of its own (a start's heap, not the bench's), and times the first aggregate query, sent
 * at once or `delay` ms after the start (the collector reads back the staging saved before as it
 * starts). Prints the time in ms.
 *
 *   node bench/first-query.ts <database file> <path with query string> [delay ms]
 */
// As the server's entry (packages/collector/src/node/index.ts) imports it: it reads Node's global
// Request as it loads, which loads Node's fetch classes (undici, ~80 ms) before the server
// listens. Without it, this process's first app.request would load them inside the time measured.
import '@hono/node-server';
import { createCollector } from '../packages/collector/src/app.ts';
import { tuneHeap } from '../packages/collector/src/node/heap.ts';
import { openSqliteStorage } from '../packages/collector/src/storage/sqlite/index.ts';

// The heap as the collector's own process sizes it.
if (!process.env.BENCH_V8_DEFAULTS) tuneHeap();

const [file, path, delay = '0'] = process.argv.slice(2);
if (!file || !path) throw new Error('usage: node bench/first-query.ts <database file> <path>');
const secretKey = 'sk_bench_0123456789abcdef';
const storage = await openSqliteStorage(file);
// As a server (BENCH_FOLLOW=0: as one with JOURNEY_ANALYTICS_WARM_UP=0, which only reads back a saved staging).
const server = process.env.BENCH_FOLLOW !== '0' && { analyticsWarmUp: true, analyticsFollowInterval: 1000 };
const app = createCollector({ storage, config: { writeKeys: [{ key: 'wk_bench_0123456789', site: 'default', allowedOrigins: '*' }], secretKey, analyticsMaxAge: 0, ...server } });
// At once: sent before anything the start began has run.
if (Number(delay) > 0) await new Promise((resolve) => setTimeout(resolve, Number(delay)));
const begin = performance.now();
const response = await app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } });
if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
await response.json();
console.log(performance.now() - begin);
await storage.close();
