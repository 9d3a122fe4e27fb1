import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. On a developer's machine without Chromium they are
 * skipped with the reason printed; in CI (.ci/run installs Chromium and sets CI=1) a missing
 * browser is a failure, never a silent skip.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) throw new Error(`CI must run the browser tests, but ${chromiumPath} is missing`);
  console.warn(`Skipping browser tests: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return false;
}

/**
 * Chromium's own last words: Playwright logs the browser's stderr, its closing and its exit (code
 * and signal) as `pw:browser` debug lines, shown only with DEBUG=pw:browser and not reachable
 * through its API (the `logger` launch option gets API calls only). They are kept here, so a test
 * whose browser went away can say why. Playwright's debug module is internal: without it, there
 * is no log.
 */
const browserLog: string[] = [];
const keep = (line: string) => browserLog.push(line) > 200 && browserLog.splice(0, 100);
try {
  type Debug = { enable(names: string): void; enabled(name: string): boolean; log: (this: { namespace: string }, ...args: unknown[]) => void };
  const { debug } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle') as { debug: Debug };
  const shown = debug.enabled('pw:browser');
  const env = process.env.DEBUG;
  debug.enable([env, 'pw:browser'].filter(Boolean).join(','));
  // enable() writes DEBUG, which the processes the tests start would inherit.
  if (env === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = env;
  const print = debug.log;
  debug.log = function (...args) {
    // Chromium complains of the missing D-Bus all along: not what anyone will look for.
    if (this.namespace === 'pw:browser' && !String(args[0]).includes(':ERROR:dbus/')) keep(format(...args));
    if (this.namespace !== 'pw:browser' || shown) print.apply(this, args);
  };
} catch {}

/** Where Debian's Chromium (crashpad) writes a minidump when it crashes. */
const crashReports = join(homedir(), '.config/chromium/Crash Reports');
const loaded = Date.now();
const minidumps = () =>
  ['new', 'pending', 'completed'].flatMap((folder) => {
    const path = join(crashReports, folder);
    try {
      return readdirSync(path).filter((name) => name.endsWith('.dmp') && statSync(join(path, name)).mtimeMs >= loaded).map((name) => join(path, name));
    } catch {
      return [];
    }
  });

/**
 * The last `count` lines Chromium and Playwright's launcher printed (its exit code and signal
 * among them), and the minidumps Chromium wrote since.
 */
export function chromiumLog(count = 40): string {
  const dumps = minidumps();
  return [...browserLog.slice(-count), dumps.length ? `minidumps: ${dumps.join(', ')}` : 'no minidump'].join('\n');
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    // Without the network flags Chromium calls Google's services at start, which a closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
