/**
 * The script-tag build's size, as the size test measures it, next to the peers' browser builds,
 * installed from the npm registry and measured the same way (bench/peers.ts: gzip -9, brotli 11).
 * Writes docs/BENCHMARKS.md.
 *
 *   node bench/sdk-size.ts
 */
import { compressed, measurePeers } from './peers.ts';
import { rollup, type OutputOptions } from 'rollup';
import config from '../rollup.config.mjs';
import { machine, writeSection } from './report.ts';

const scriptTag = config.find((entry) => !Array.isArray(entry.output) && entry.output?.file?.endsWith('journey.js'))!;
const bundle = await rollup({ input: scriptTag.input, plugins: scriptTag.plugins, onwarn: () => {} });
const code = (await bundle.generate(scriptTag.output as OutputOptions)).output[0].code;
const { gzip, brotli } = compressed(code);
const peers = measurePeers();
const markdown = `## SDK size (\`node bench/sdk-size.ts\`; the ceiling is a test in \`npm test\`)

Measured ${machine().split(', ').at(-1)}: the full script-tag build, \`packages/sdk/dist/journey.js\`.

| script | gzip -9 | brotli 11 | durable offline queue |
| --- | ---: | ---: | --- |
| **journey.js** | **${gzip.toLocaleString('en')}** | **${brotli.toLocaleString('en')}** | yes (IndexedDB) |
${typeof peers === 'string' ? `| peers | ${peers} | | |` : peers.map((peer) => `| ${peer.name} ${peer.version} \`${peer.file}\` | ${peer.gzip.toLocaleString('en')} | ${peer.brotli.toLocaleString('en')} | ${peer.queue} |`).join('\n')}

Peers installed from the npm registry in the same run and measured by the file a site loads with
a script tag, as shipped in the package (bench/peers.ts); code they load later (PostHog's
extensions, Segment's destinations, RudderStack's remote plugins) is not counted. RudderStack's
CDN core is smaller than the npm UMD build measured here, which carries more of its plugins.

The issue's budget is **3,500 bytes**; journey.js is not there yet. What it carries, measured by
building without each part: forms and abandonment ~500 B, the IndexedDB store with its
localStorage and memory fallbacks ~390 B, session and campaign ~270 B, the context of every event
~220 B, the cross-subdomain cookie ~160 B, time-ordered ids ~150 B, the placeholder-id check ~140 B,
the localStorage flush lease (browsers without Web Locks) ~90 B, single-page-app navigation ~90 B.`;
console.log(markdown);
writeSection('sdk-size', markdown);
