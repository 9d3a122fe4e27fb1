import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';

/** The runtime's static file middleware (@hono/node-server's, hono/bun's, hono/deno's): same options. */
export type ServeStatic = (options: { root: string }) => MiddlewareHandler;

import { withWriteKey } from '../site-token.ts';

/**
 * A folder of static files served at / (the demo site, or a site served first-party). HTML pages
 * get `{{JOURNEY_WRITE_KEY}}` replaced by the collector's first write key, so a page can carry
 * its script tag before anyone knows the key (it is made on the first start). A path without an
 * extension is served the nearest page up the path: /pricing is pricing.html, and /app/settings
 * is app.html, the single-page app that shows its settings view.
 */
export function staticSite(folder: string, writeKey: string, serveStatic: ServeStatic): MiddlewareHandler {
  const root = resolve(folder);
  const files = serveStatic({ root: folder });
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (path.endsWith('/')) path += 'index.html';
    if (extname(path) && extname(path) !== '.html') return files(c, next);
    const candidates = extname(path) ? [path] : path.split('/').map((_, end, parts) => parts.slice(0, parts.length - end).join('/') + '.html');
    for (const candidate of candidates) {
      const file = join(root, candidate);
      if (!file.startsWith(root + sep)) continue;
      const page = await readFile(file, 'utf8').catch(() => null);
      if (page !== null) return c.html(withWriteKey(page, writeKey));
    }
    return next();
  };
}
