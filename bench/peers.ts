/**
 * The peers' browser SDKs, installed from the npm registry into a throwaway folder. Each is
 * measured by the file a site loads with a script tag, as the vendor ships it in the package
 * (their CDN serves the same build); where further code loads lazily (PostHog's extensions,
 * Segment's destinations), only this first file counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const peerBuilds = [
  { name: 'posthog-js', file: 'dist/array.js', queue: 'yes' },
  { name: '@segment/analytics-next', file: 'dist/umd/standalone.js', queue: 'yes' },
  // The npm package's plain UMD fetches its plugins (the delivery queue among them) from
  // RudderStack's CDN at run time; the bundled UMD carries them, as a closed network needs.
  { name: '@rudderstack/analytics-js', file: 'dist/npm/modern/bundled/umd/index.js', queue: 'yes' },
  { name: '@snowplow/browser-tracker', file: 'dist/index.umd.min.js', queue: 'yes' },
  { name: '@openpanel/web', file: 'dist/src/tracker.global.js', queue: 'no' },
  { name: '@plausible-analytics/tracker', file: 'plausible.js', queue: 'no' },
] as const;

export interface Peer {
  name: string;
  version: string;
  file: string;
  queue: string;
  /** The installed package's folder. */
  root: string;
}

export const compressed = (code: string | Buffer) => ({
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

/** Installs the peers (latest) in a throwaway folder; `remove()` deletes it. */
export function installPeers(): { peers: Peer[]; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'journey-peers-'));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    execFileSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--ignore-scripts', ...peerBuilds.map((peer) => peer.name)], { stdio: 'ignore' });
    const peers = peerBuilds.map((peer) => {
      const root = join(folder, 'node_modules', peer.name);
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      return { ...peer, version, root };
    });
    return { peers, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** A peer's script-tag file, compressed as journey.js is. */
export const sizeOf = (peer: Peer) => compressed(readFileSync(join(peer.root, peer.file)));
