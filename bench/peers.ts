/**
 * The peers' browser SDKs, installed from the npm registry into a throwaway folder and measured
 * as journey.js is (gzip -9, brotli 11). Each is measured by the file a site loads with a script
 * tag, as the vendor ships it in the package (their CDN serves the same build); where further
 * code loads lazily (PostHog's extensions, Segment's destinations), only this first file counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const peerBuilds = [
  { name: 'posthog-js', file: 'dist/array.js', queue: 'yes' },
  { name: '@segment/analytics-next', file: 'dist/umd/standalone.js', queue: 'yes' },
  { name: '@rudderstack/analytics-js', file: 'dist/npm/modern/umd/index.js', queue: 'yes' },
  { name: '@snowplow/browser-tracker', file: 'dist/index.umd.min.js', queue: 'yes' },
  { name: '@openpanel/web', file: 'dist/src/tracker.global.js', queue: 'no' },
  { name: '@plausible-analytics/tracker', file: 'plausible.js', queue: 'no' },
] as const;

export interface Measured {
  name: string;
  version: string;
  file: string;
  gzip: number;
  brotli: number;
  queue: string;
}

export const compressed = (code: string | Buffer) => ({
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

/** Installs the peers (latest) and measures them; a string says why it could not. */
export function measurePeers(): Measured[] | string {
  const folder = mkdtempSync(join(tmpdir(), 'journey-peers-'));
  try {
    execFileSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--ignore-scripts', ...peerBuilds.map((peer) => peer.name)], { stdio: 'ignore' });
    return peerBuilds.map((peer) => {
      const root = join(folder, 'node_modules', peer.name);
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      return { name: peer.name, version, file: peer.file, queue: peer.queue, ...compressed(readFileSync(join(root, peer.file))) };
    });
  } catch (error) {
    return `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
