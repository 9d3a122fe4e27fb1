import { getConnInfo, serveStatic } from 'hono/bun';
import { boot } from '../server/boot.ts';
import type { RunningCollector, StartOptions } from '../server/main.ts';
import { bunSqlite } from '../storage/sqlite/bun-sqlite.ts';

declare const Bun: {
  serve(options: { port: number; fetch: (request: Request, server: unknown) => Response | Promise<Response> }): { port: number; stop(force?: boolean): Promise<void> };
};

/** The Bun entry: the shared boot on Bun.serve, with bun:sqlite. */
export async function startBunCollector(options: StartOptions): Promise<RunningCollector> {
  const { app, port, banner, close: saveAndClose } = await boot({ ...options, sqlite: bunSqlite, serveStatic: serveStatic as never, clientIp: (c) => getConnInfo(c).remote.address });
  const server = Bun.serve({ port, fetch: app.fetch });
  const url = `http://localhost:${server.port}`;
  console.log(banner(url));
  return {
    url,
    async close() {
      await server.stop(); // stops accepting; requests in flight finish
      await saveAndClose();
    },
  };
}
