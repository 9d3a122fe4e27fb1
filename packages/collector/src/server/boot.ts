import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { createCollector, type CollectorJobs } from '../app.ts';
import type { Storage } from '../storage/port.ts';
import { openSqliteStorage } from '../storage/sqlite/index.ts';
import { openPostgresStorage } from '../storage/postgres/index.ts';
import type { SqliteDriver } from '../storage/sqlite/driver.ts';
import type { ScriptSource } from '../script/route.ts';
import { settingsFromEnv, type ServerEnv } from './env.ts';
import { loadOrCreateKeys } from './keys.ts';
import { seedDemo } from './demo.ts';
import { staticSite, type ServeStatic } from './site.ts';

/** What a server runtime (Node, Bun, Deno) hands over; the rest is the same everywhere. */
export interface BootOptions {
  env: ServerEnv;
  /** A folder of static files served at / (npm start serves the demo site). */
  site?: string | undefined;
  /** The SDK's script-tag build on disk (default: @journey/sdk's dist/journey.js). */
  scriptFile?: string | undefined;
  /** The runtime's SQLite (node:sqlite unless given). */
  sqlite?: SqliteDriver;
  /** The runtime's static file handler, for `site`. */
  serveStatic: ServeStatic;
  clientIp: (c: Context) => string | undefined;
}

export interface Booted {
  app: Hono;
  storage: Storage;
  port: number;
  /** What to print once listening: the address, the database, the keys (the secret only when new). */
  banner(url: string): string;
  /**
   * Once no request is open: saves each site's staging where it is newer than the one saved (the
   * next start reads it back current, rather than follow or stage what came since), then closes
   * the database.
   */
  close(): Promise<void>;
}

/** Configuration from the environment, the keys, the storage, the app: everything but the server. */
export async function boot(options: BootOptions): Promise<Booted> {
  const settings = settingsFromEnv(options.env);
  // postgres:// selects PostgreSQL; anything else is the embedded SQLite file.
  const postgres = /^postgres(ql)?:\/\//.test(settings.database);
  const database = postgres ? settings.database : resolve(settings.database);
  const dataDir = postgres ? resolve('data') : dirname(database);
  mkdirSync(dataDir, { recursive: true });
  const keys = loadOrCreateKeys(dataDir, settings);
  const storage = postgres ? await openPostgresStorage(database) : await openSqliteStorage(database, options.sqlite);

  let jobs: CollectorJobs | undefined;
  const app = createCollector({
    storage,
    background: (started) => (jobs = started),
    config: { ...settings.collector, writeKeys: keys.writeKeys, secretKey: keys.secretKey },
    // A request the collector makes to itself (the demo data) comes without a connection.
    clientIp: (c) => (c.env === undefined ? undefined : options.clientIp(c)),
    script: fileSource(options.scriptFile ?? sdkBuild()),
  });
  if (options.site) app.use('/*', staticSite(options.site, keys.writeKeys[0]!.key, options.serveStatic) as MiddlewareHandler);
  const demo = settings.seedDemo ? await seedDemo(app, { writeKey: keys.writeKeys[0]!.key, secretKey: keys.secretKey }, Date.now()) : null;

  return {
    app,
    storage,
    port: settings.port,
    async close() {
      try {
        await jobs?.saveStagings();
      } finally {
        await storage.close();
      }
    },
    banner(url) {
      const lines = [`Journey collector listening on ${url}`, `  database    ${postgres ? redactPassword(database) : database}`];
      for (const { key, site } of keys.writeKeys) lines.push(`  write key   ${key}  (site ${site})`);
      // The secret key is printed once, when it is made; after that it lives only in keys.json.
      if (keys.created.secretKey) lines.push(`  secret key  ${keys.secretKey}  (new; saved in ${keys.file})`);
      else lines.push(`  secret key  from ${options.env.JOURNEY_SECRET_KEY ? 'JOURNEY_SECRET_KEY' : keys.file}`);
      if (options.site) lines.push(`  site        ${url}/ (from ${options.site})`);
      lines.push(`  dashboard   ${url}/dashboard (sign in with the secret key)`);
      if (demo) {
        lines.push(`  demo data   ${demo.events.toLocaleString('en')} events of ${demo.people} people at ${demo.accounts} accounts, and ${demo.touchpoints} offline touchpoints, over the last year (JOURNEY_SEED_DEMO=0 starts empty)`);
      }
      // One string, so whoever reads the output sees the whole banner at once.
      return lines.join('\n');
    },
  };
}

/** A connection URL as it may be printed: without its password. */
const redactPassword = (url: string) => url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');

/** Where the SDK package's script-tag build is, wherever the workspace or node_modules put it. */
function sdkBuild(): string {
  try {
    return fileURLToPath(import.meta.resolve('@journey/sdk/journey.js'));
  } catch {
    return ''; // not installed: /journey.js answers that the build is missing
  }
}

/** Reads the script once and keeps it: it changes only with a new build, which means a restart. */
function fileSource(file: string): ScriptSource {
  let script: string | null | undefined;
  return () => {
    if (script === undefined) {
      try {
        script = readFileSync(file, 'utf8');
      } catch {
        return null; // not built yet: try again on the next request
      }
    }
    return script;
  };
}
