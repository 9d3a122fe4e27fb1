import { getConnInfo, serveStatic } from 'hono/deno';
import { boot } from '../server/boot.ts';
import type { RunningCollector, StartOptions } from '../server/main.ts';

declare const Deno: {
  serve(
    options: { port: number; onListen?: (address: { port: number }) => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

/** The Deno entry: the shared boot on Deno.serve, with node:sqlite (Deno has it too). */
export async function startDenoCollector(options: StartOptions): Promise<RunningCollector> {
  const { app, port, banner, close: saveAndClose } = await boot({ ...options, serveStatic: serveStatic as never, clientIp: (c) => getConnInfo(c).remote.address });
  let listening: (port: number) => void = () => {};
  const bound = new Promise<number>((resolve) => (listening = resolve));
  const server = Deno.serve({ port, onListen: ({ port }) => listening(port) }, app.fetch);
  const url = `http://localhost:${await bound}`;
  console.log(banner(url));
  return {
    url,
    async close() {
      await server.shutdown(); // stops accepting; requests in flight finish
      await saveAndClose();
    },
  };
}
