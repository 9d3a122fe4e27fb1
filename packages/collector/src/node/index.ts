import { IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { boot } from '../server/boot.ts';
import type { RunningCollector, StartOptions } from '../server/main.ts';

export type { RunningCollector, StartOptions };

/** The Node entry: the shared boot on @hono/node-server. */
export async function startNodeCollector(options: StartOptions & { print?: (text: string) => void }): Promise<RunningCollector> {
  const { app, port: wanted, banner, close: saveAndClose } = await boot({ ...options, serveStatic, clientIp: (c) => getConnInfo(c).remote.address });
  // A body the collector stopped reading midway (a chunked upload past the size limit) is read
  // to its end and dropped, as one never read is. Left alone, @hono/node-server's drain cannot
  // finish it, since the abandoned web stream still listens and pauses it, and after 500 ms it
  // cuts the keep-alive connection under whatever request the client has sent on it next.
  const fetch = (request: Request, env: HttpBindings | Http2Bindings) => {
    const dropRest = (response: Response) => {
      const { incoming } = env;
      if (incoming instanceof IncomingMessage && !incoming.complete && incoming.readableDidRead) {
        incoming.removeAllListeners('data');
        incoming.resume();
      }
      return response;
    };
    const answer = app.fetch(request, env);
    return answer instanceof Promise ? answer.then(dropRest) : dropRest(answer);
  };
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const started = serve({ fetch, port: wanted }, () => ready(started));
  });
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  (options.print ?? console.log)(banner(url));

  // Once closing, answers carry `Connection: close`, also those of requests already in flight:
  // a keep-alive client would otherwise hold the server open until its idle timeout.
  let closing: Promise<void> | undefined;
  const open = new Set<ServerResponse>();
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.setHeader('Connection', 'close');
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((done, fail) => {
        for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close');
        // close() stops accepting and waits for open requests; idle keep-alive sockets are closed
        // at once. A client that holds a request open past 10 s is cut off.
        const force = setTimeout(() => 'closeAllConnections' in server && server.closeAllConnections(), 10_000);
        server.close((error) => {
          clearTimeout(force);
          saveAndClose().then(() => (error ? fail(error) : done()), fail);
        });
      })),
  };
}
