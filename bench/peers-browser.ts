/**
 * Each SDK on the same page in Chromium: the time from the navigation's start until its first
 * event reaches the server, and the main-thread time it costs over a page view and 20 custom
 * events (Chromium's TaskDuration, less that of the same page without any SDK). One local server
 * plays every vendor's endpoint, so the network is the same for all.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import type { PeerPage } from './peer-pages.ts';

export interface Timing {
  name: string;
  /** Median over the runs, ms; undefined when no event arrived. */
  firstEventMs?: number;
  mainThreadMs: number;
  scriptMs: number;
  /** Requests that carried events, per run (median). */
  requests: number;
}

const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const read = async (request: IncomingMessage) => {
  for await (const _ of request);
};

/**
 * Times each page `runs` times, each run in a fresh browser context (no storage, no cache).
 * `roots` names the folder each SDK's `/sdk/<name>/` files come from.
 */
export async function timeInChromium(browser: Browser, pages: PeerPage[], roots: Record<string, string>, runs = 5): Promise<Timing[]> {
  let current: PeerPage | undefined;
  let arrivals: number[] = [];
  let host = '';
  let userAgent: string | undefined;

  const server = createServer(async (request, response) => {
    await read(request);
    if (process.env.BENCH_DEBUG) console.log(current?.name, request.method, request.url);
    const path = new URL(request.url!, host).pathname;
    const cors = {
      'access-control-allow-origin': request.headers.origin ?? '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
    };
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
    const page = current;
    if (path === '/bench' && page) {
      const head = page.head.replaceAll('{{HOST}}', host).replaceAll('{{HOST_NAME}}', new URL(host).host);
      return response.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Benchmark page</title>${head}</head><body><h1>A page</h1><p>The same page for every SDK.</p></body></html>`,
      );
    }
    const file = page && fileOf(page, path, roots);
    if (file) {
      const body = await readFile(file).catch(() => undefined);
      if (body) return response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...cors }).end(body);
      return response.writeHead(404, cors).end();
    }
    if (page?.delivers(request.method!, path)) arrivals.push(Date.now());
    const answer = page?.config?.(path) ?? {};
    response.writeHead(200, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(answer).replaceAll('{{HOST_NAME}}', new URL(host).host));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const once = async (page: PeerPage) => {
    current = page;
    arrivals = [];
    // A browser's own user agent: some SDKs drop events from "HeadlessChrome" as a bot's.
    const context = await browser.newContext({ userAgent: userAgent ??= (await browser.newBrowserCDPSession().then((cdp) => cdp.send('Browser.getVersion'))).userAgent.replace('HeadlessChrome', 'Chrome') });
    try {
      const tab = await context.newPage();
      if (process.env.BENCH_DEBUG) tab.on('console', (message) => console.log(page.name, 'console:', message.text()));
      const cdp = await context.newCDPSession(tab);
      await cdp.send('Performance.enable');
      await tab.goto(`${host}/bench`, { waitUntil: 'load' });
      const origin = await tab.evaluate(() => performance.timeOrigin);
      for (const end = Date.now() + 10_000; !arrivals.length && Date.now() < end; ) await sleep(10);
      const firstEventMs = arrivals.length ? arrivals[0]! - origin : undefined;
      await tab.evaluate(`for (let i = 0; i < 20; i++) { const name = 'Bench ' + i; ${page.track}; }`);
      // Long enough for every SDK's batching interval (PostHog's is 3 s).
      await sleep(4_000);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string) => (metrics.find((entry) => entry.name === name)?.value ?? 0) * 1000;
      return { firstEventMs, task: metric('TaskDuration'), script: metric('ScriptDuration'), requests: arrivals.length };
    } finally {
      await context.close();
    }
  };

  try {
    const blank: PeerPage = { name: 'no SDK', head: '', delivers: () => false, track: 'void name' };
    const times = async (page: PeerPage) => {
      const results = [];
      for (let run = 0; run < runs; run++) results.push(await once(page));
      return results;
    };
    const baseline = await times(blank);
    const baseTask = median(baseline.map((run) => run.task));
    const baseScript = median(baseline.map((run) => run.script));
    const timings: Timing[] = [];
    for (const page of pages) {
      const results = await times(page);
      const arrived = results.flatMap((run) => (run.firstEventMs === undefined ? [] : [run.firstEventMs]));
      timings.push({
        name: page.name,
        firstEventMs: arrived.length > runs / 2 ? median(arrived) : undefined,
        mainThreadMs: Math.max(0, median(results.map((run) => run.task)) - baseTask),
        scriptMs: Math.max(0, median(results.map((run) => run.script)) - baseScript),
        requests: median(results.map((run) => run.requests)),
      });
    }
    return timings;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The package file a path names: `/sdk/<name>/<file>`, or one of the page's own mappings. */
function fileOf(page: PeerPage, path: string, roots: Record<string, string>): string | undefined {
  const root = roots[page.name];
  if (!root) return undefined;
  const prefix = `/sdk/${page.name}/`;
  let relative: string | undefined;
  if (path.startsWith(prefix)) relative = path.slice(prefix.length);
  for (const [from, to] of Object.entries(page.files ?? {})) {
    if (path === from) relative = to;
    else if (from.endsWith('/') && path.startsWith(from)) relative = to + path.slice(from.length);
  }
  if (relative === undefined) return undefined;
  const file = normalize(join(root, relative));
  return file.startsWith(root) ? file : undefined;
}
