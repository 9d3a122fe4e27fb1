/** What the benchmarks share: the collector as a process, autocannon load, realistic bodies. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import autocannon from 'autocannon';

export const root = resolve(import.meta.dirname, '..');
export const seconds = Number(process.env.BENCH_SECONDS ?? 10);
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

export interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts a server (Node by default) and resolves once it prints its address. */
export async function start(args: string[], env: Record<string, string> = {}, binary = process.execPath, cwd = root): Promise<Server> {
  const child = spawn(binary, args, { cwd, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done, fail) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      // The collector's banner, or wrangler dev's.
      const match = /(?:listening on|Ready on) (http:\/\/\S+)/.exec(output);
      if (match) done(match[1]!);
    });
    child.once('exit', () => fail(new Error(`${args.join(' ')} exited:\n${output}`)));
  });
  return { child, url };
}

export async function stop(server: Server): Promise<void> {
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await exited;
}

// A page view as the browser SDK sends it: the realistic size of what is stored.
export const pageEvent = (messageId: string) => ({
  type: 'page',
  messageId,
  anonymousId: 'd9428888-122b-11e1-b85c-61cd3cbb3210',
  originalTimestamp: new Date().toISOString(),
  properties: { plan: 'team' },
  context: {
    page: { url: 'https://acme.com/pricing?utm_source=newsletter', path: '/pricing', referrer: 'https://www.google.com/', title: 'Pricing — Acme', search: '?utm_source=newsletter' },
    campaign: { source: 'newsletter', medium: 'email', name: 'autumn' },
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    locale: 'en-US',
    timezone: 'Europe/Berlin',
    screen: { width: 1440, height: 900, density: 2 },
    library: { name: 'journey.js', version: '0.1.0' },
  },
});

/**
 * A UUIDv7: 48 bits of milliseconds, then random bits. Time-ordered ids land at the end of the
 * collector's messageId index; random v4 ids (Segment's libraries) land anywhere in it, and cost
 * a page write each once the index outgrows the cache. The table shows both.
 */
export function uuidv7(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const now = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Bodies come from a template with the messageIds spliced in: generating JSON per request would
// make the load generator, which shares the machine, the bottleneck.
export function batchBody(events: number, messageId: () => string, event: (id: string) => object = pageEvent): () => string {
  const marker = '@@MESSAGE_ID@@';
  const template = JSON.stringify({ batch: Array.from({ length: events }, () => event(marker)), sentAt: new Date().toISOString() });
  const parts = template.split(marker);
  return () => {
    let body = parts[0]!;
    for (let i = 1; i < parts.length; i++) body += messageId() + parts[i];
    return body;
  };
}


export async function load(url: string, body?: () => string, headers: Record<string, string> = {}, duration = seconds): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      body
        ? { method: 'POST', path: '/v1/batch', headers, setupRequest: (request) => ({ ...request, body: body() }) }
        : { method: 'GET', path: '/' },
    ],
  });
}

/** Builds the bundles and starts the collector exactly as `npm start` runs it. */
export async function startCollector(env: Record<string, string>): Promise<Server> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  // No demo data: a benchmark measures what it sends.
  return start(['--enable-source-maps', '--max-semi-space-size=8', 'packages/collector/dist/node.mjs'], { JOURNEY_SEED_DEMO: '0', ...env });
}
