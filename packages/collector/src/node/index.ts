import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createCollector } from '../app.ts';
import { openSqliteStorage } from '../storage/sqlite/index.ts';
import { openPostgresStorage } from '../storage/postgres/index.ts';
import type { ScriptSource } from '../script/route.ts';
import { settingsFromEnv, type NodeEnv } from './env.ts';
import { loadOrCreateKeys } from './keys.ts';
import { staticSite } from './site.ts';

export interface NodeCollectorOptions {
  env: NodeEnv;
  /** A folder of static files served at / (npm start serves the demo site). */
  site?: string | undefined;
  /** The SDK's script-tag build on disk (default: @journey/sdk's dist/journey.js). */
  scriptFile?: string | undefined;
  print?: (line: string) => void;
}

export interface RunningCollector {
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** The Node entry: configuration from the environment, SQLite on disk, @hono/node-server. */
export async function startNodeCollector(options: NodeCollectorOptions): Promise<RunningCollector> {
  const print = options.print ?? ((line) => console.log(line));
  const settings = settingsFromEnv(options.env);
  // postgres:// selects PostgreSQL; anything else is the embedded SQLite file.
  const postgres = /^postgres(ql)?:\/\//.test(settings.database);
  const database = postgres ? settings.database : resolve(settings.database);
  const dataDir = postgres ? resolve('data') : dirname(database);
  mkdirSync(dataDir, { recursive: true });
  const keys = loadOrCreateKeys(dataDir, settings);
  const storage = postgres ? await openPostgresStorage(database) : await openSqliteStorage(database);

  const app = createCollector({
    storage,
    config: { ...settings.collector, writeKeys: keys.writeKeys, secretKey: keys.secretKey },
    clientIp: (c) => getConnInfo(c).remote.address,
    script: fileSource(options.scriptFile ?? sdkBuild()),
  });
  if (options.site) app.use('/*', staticSite(options.site, keys.writeKeys[0]!.key));

  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const started = serve({ fetch: app.fetch, port: settings.port }, () => ready(started));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;

  // One write, so whoever reads the output sees the whole banner at once.
  const banner = [`Journey collector listening on ${url}`, `  database    ${postgres ? redactPassword(database) : database}`];
  for (const { key, site } of keys.writeKeys) banner.push(`  write key   ${key}  (site ${site})`);
  // The secret key is printed once, when it is made; after that it lives only in keys.json.
  if (keys.created.secretKey) banner.push(`  secret key  ${keys.secretKey}  (new; saved in ${keys.file})`);
  else banner.push(`  secret key  from ${options.env.JOURNEY_SECRET_KEY ? 'JOURNEY_SECRET_KEY' : keys.file}`);
  if (options.site) banner.push(`  site        ${url}/ (from ${options.site})`);
  print(banner.join('\n'));

  // Once closing, answers carry `Connection: close`, also those of requests already in flight:
  // a keep-alive client would otherwise hold the server open until its idle timeout.
  let closing: Promise<void> | undefined;
  const open = new Set<ServerResponse>();
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.setHeader('Connection', 'close');
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  const closeConnectionsAfterAnswering = () => {
    for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close');
  };
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((done, fail) => {
        closeConnectionsAfterAnswering();
        // close() stops accepting and waits for open requests; idle keep-alive sockets are closed
        // at once. A client that holds a request open past 10 s is cut off.
        const force = setTimeout(() => 'closeAllConnections' in server && server.closeAllConnections(), 10_000);
        server.close((error) => {
          clearTimeout(force);
          storage.close().then(() => (error ? fail(error) : done()), fail);
        });
      })),
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
