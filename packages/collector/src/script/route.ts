import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { ApiError } from '../http/errors.ts';

/** Where the runtime finds the SDK's script-tag build: a file on Node, an asset binding on Workers. */
export type ScriptSource = () => Promise<string | null> | string | null;

/**
 * The SDK for `<script src=".../journey.js">`. The URL carries no version, so caches keep it an
 * hour and revalidate by ETag rather than forever; a release reaches every site within the hour.
 */
export function scriptRoutes(path: string, source: ScriptSource): Hono {
  const app = new Hono();
  app.get(path, etag(), async (c) => {
    const script = await source();
    if (script === null) {
      throw new ApiError(404, 'script_not_built', 'The SDK build is missing: run `npm run build`');
    }
    return c.body(script, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600, stale-while-revalidate=86400',
      'Access-Control-Allow-Origin': '*',
    });
  });
  return app;
}
