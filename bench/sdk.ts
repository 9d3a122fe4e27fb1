/**
 * journey.js beside its peers, from one run: the peers are installed from the npm registry into
 * a throwaway folder (bench/peers.ts); each script-tag file is measured as the size test measures
 * journey.js (gzip -9, brotli 11); each SDK is then timed on the same page in Chromium
 * (bench/peers-browser.ts); and the collector's throughput is measured against bare Hono
 * (bench/ingest.ts, unless --no-ingest). Rewrites those sections of docs/BENCHMARKS.md.
 *
 *   npm run bench:sdk            (RUNS=5 page loads per SDK)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup, type OutputOptions } from 'rollup';
import config from '../rollup.config.mjs';
import { chromiumAvailable, launchChromium } from '../tests/browser.ts';
import { journeyPage, peerPages } from './peer-pages.ts';
import { timeInChromium, type Timing } from './peers-browser.ts';
import { compressed, installPeers, sizeOf } from './peers.ts';
import { machine, writeSection } from './report.ts';

const runs = Number(process.env.RUNS ?? 5);
const scriptTag = config.find((entry) => !Array.isArray(entry.output) && entry.output?.file?.endsWith('journey.js'))!;
const bundle = await rollup({ input: scriptTag.input, plugins: scriptTag.plugins, onwarn: () => {} });
const code = (await bundle.generate(scriptTag.output as OutputOptions)).output[0].code;
const own = mkdtempSync(join(tmpdir(), 'journey-sdk-'));
writeFileSync(join(own, 'journey.js'), code);

const { peers, remove } = installPeers();
try {
  const { gzip, brotli } = compressed(code);
  const sizes = `## SDK size (\`npm run bench:sdk\`; the ceiling is a test in \`npm test\`)

Measured ${machine().split(', ').at(-1)}: the full script-tag build, \`packages/sdk/dist/journey.js\`.

| script | gzip -9 | brotli 11 | durable offline queue |
| --- | ---: | ---: | --- |
| **journey.js** | **${gzip.toLocaleString('en')}** | **${brotli.toLocaleString('en')}** | yes (IndexedDB) |
${peers
  .map((peer) => {
    const size = sizeOf(peer);
    return `| ${peer.name} ${peer.version} \`${peer.file}\` | ${size.gzip.toLocaleString('en')} | ${size.brotli.toLocaleString('en')} | ${peer.queue} |`;
  })
  .join('\n')}

Peers installed from the npm registry in the same run and measured by the file a site loads with
a script tag, as shipped in the package (bench/peers.ts); code they load later (PostHog's
extensions, Segment's destinations) is not counted. RudderStack's npm package fetches its plugins
(its delivery queue among them) from its CDN unless the bundled build is used, so the bundled UMD
is measured; its CDN core alone is smaller.

The issue's budget is **3,500 bytes**; journey.js is not there, and cannot be with everything
the issue asks of it. What each part costs, measured 2026-11-26 by building without it alone:
sign-up forms and abandonment ~490 B, sessions with their campaign and click ids ~260 B, the
localStorage and memory fallbacks of the queue ~230 B, the cross-subdomain cookie ~180 B, the
placeholder-id check ~150 B, page views by themselves ~120 B (single-page-app navigation ~95 B of
it), the spill of unwritten events at unload ~95 B, the queue's caps ~90 B, debug messages ~65 B,
the flush lease for browsers without Web Locks ~45 B. What is left without all of them (building
events, the API, the IndexedDB queue with batching, retries, backoff and beacons) is ~2,900 B.
A rewrite for size alone, every module in the tersest style we found, came to ~4,550 B: the
budget needs a part left out (or loaded on demand, as forms could be), which is the issue's
call to make, not the build's.`;
  console.log(sizes);
  writeSection('sdk-size', sizes);

  if (chromiumAvailable()) {
    const browser = await launchChromium();
    let timings: Timing[];
    try {
      const roots = Object.fromEntries([['journey.js', own], ...peers.map((peer) => [peer.name, peer.root])]);
      timings = await timeInChromium(browser, [journeyPage, ...peers.map((peer) => peerPages[peer.name]!)], roots, runs);
    } finally {
      await browser.close();
    }
    const version = (name: string) => peers.find((peer) => peer.name === name)?.version ?? '';
    const ms = (value: number | undefined) => (value === undefined ? 'none arrived' : `${Math.round(value).toLocaleString('en')} ms`);
    const timing = `## SDKs in Chromium (\`npm run bench:sdk\`)

Machine: ${machine()}; Chromium headless, a browser user agent. Median of ${runs} page loads per
SDK, each in a fresh browser context (empty storage and cache). The same page for every SDK, with
its vendor's snippet and defaults, served with every endpoint the SDK calls by one local server
(bench/peer-pages.ts). On it: the page view, then 20 custom events at once, then 4 s of quiet.

- **first event**: from the navigation's start until the SDK's first request carrying an event
  reaches the server.
- **main thread**: Chromium's TaskDuration over the whole visit, less that of the same page with
  no SDK; **script**: the same for ScriptDuration.

| SDK | first event | main thread | script | requests (21 events) |
| --- | ---: | ---: | ---: | ---: |
${timings
  .map(
    (row) =>
      `| ${row.name === 'journey.js' ? '**journey.js**' : `${row.name} ${version(row.name)}`} | ${ms(row.firstEventMs)} | ${ms(row.mainThreadMs)} | ${ms(row.scriptMs)} | ${row.requests} |`,
  )
  .join('\n')}

PostHog drops events from browsers it takes for bots (headless Chromium among them): it runs with
\`opt_out_useragent_filter: true\`, as its own message advises for tests. The requests column shows
who batches: OpenPanel, Plausible, Segment and RudderStack send a request per event; journey.js
writes every event to IndexedDB before sending (the price of not losing it, in main-thread time),
sends within a second or at once when ten wait. Runs on this VM vary by ±30 % between batches.`;
    console.log(timing);
    writeSection('sdk-timing', timing);
  }
} finally {
  remove();
  rmSync(own, { recursive: true, force: true });
}

if (!process.argv.includes('--no-ingest')) execFileSync(process.execPath, [join(import.meta.dirname, 'ingest.ts')], { stdio: 'inherit' });
