import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the collector seems to do, as the browser sees it:
 * - `pass`: answers as it is;
 * - `error`: 500, the request never reaches it;
 * - `throttle`: 429 with `Retry-After`;
 * - `hang`: holds the request for `hangMs`, then passes it on (the browser waited all along);
 * - `lost-reply`: passes it on, so the events are stored, then answers 502 as if the reply was lost.
 * A collector that is down (killed) makes every passed request a 502 on its own.
 */
export type Trouble = 'pass' | 'error' | 'throttle' | 'hang' | 'lost-reply';

export interface ChaosProxy {
  url: string;
  /** Where the collector listens now (it moves when restarted). */
  target: string;
  trouble: Trouble;
  hangMs: number;
  /** How each ingestion request was answered, by what: `pass 200`, `error 500`, `down 502`… */
  answered: Map<string, number>;
  close(): Promise<void>;
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

/** An answer as the proxy keeps and passes it on: fetch has decoded the body already. */
async function kept(answer: Response): Promise<Kept> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!hopByHop.has(name)) headers[name] = value;
  });
  return { status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) };
}
type Kept = { status: number; headers: Record<string, string>; body: Buffer };

/**
 * A proxy in front of the collector that plays the collector's troubles to the browser. The site's
 * pages and script are kept from their first answer and served from there when the collector is
 * down, as a CDN in front of a site would: only the ingestion endpoint suffers.
 */
export async function startChaosProxy(target: string): Promise<ChaosProxy> {
  const site = new Map<string, Kept>();
  const proxy: ChaosProxy = { url: '', target, trouble: 'pass', hangMs: 5000, answered: new Map(), close: async () => {} };

  const count = (what: string) => proxy.answered.set(what, (proxy.answered.get(what) ?? 0) + 1);

  const forward = async (request: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && !hopByHop.has(name) && name !== 'host') headers[name] = value;
    const answer = await fetch(proxy.target + request.url, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(body),
    });
    return kept(answer);
  };

  const reply = (response: ServerResponse, status: number, headers: Record<string, string> = {}, body: Buffer | string = '') => {
    if (!response.destroyed) response.writeHead(status, headers).end(body);
  };

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(request.url!, 'http://proxy').pathname;

    if (!path.startsWith('/v1/')) {
      try {
        const answer = await forward(request, body);
        if (answer.status === 200) site.set(path, answer);
        return reply(response, answer.status, answer.headers, answer.body);
      } catch {
        const kept = site.get(path);
        return kept ? reply(response, kept.status, kept.headers, kept.body) : reply(response, 502, { 'content-type': 'text/html' }, '<h1>502 Bad Gateway</h1>');
      }
    }

    const trouble = proxy.trouble;
    if (trouble === 'error') {
      count('error 500');
      return reply(response, 500, { 'content-type': 'application/json' }, '{"error":"chaos"}');
    }
    if (trouble === 'throttle') {
      count('throttle 429');
      return reply(response, 429, { 'retry-after': '1', 'content-type': 'application/json' }, '{"error":"chaos"}');
    }
    if (trouble === 'hang') await new Promise((resolve) => setTimeout(resolve, proxy.hangMs));
    try {
      const answer = await forward(request, body);
      if (trouble === 'lost-reply') {
        count(`lost-reply ${answer.status}→502`);
        return reply(response, 502);
      }
      count(`${trouble} ${answer.status}`);
      return reply(response, answer.status, answer.headers, answer.body);
    } catch {
      count('down 502');
      return reply(response, 502);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The CDN holds the site before the troubles start.
  for (const path of ['/', '/pricing.html', '/docs.html', '/signup.html', '/app/dashboard', '/app/accounts', '/app/settings', '/style.css', '/journey.js']) {
    site.set(path, await kept(await fetch(target + path)));
  }
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
