import type { MiddlewareHandler } from 'hono';
import type { WriteKey } from '../config.ts';
import { ApiError } from './errors.ts';

export const originAllowed = (origin: string, allowed: WriteKey['allowedOrigins']): boolean =>
  allowed === '*' || allowed.includes(origin);

/**
 * CORS for the ingestion endpoints. Browsers send `text/plain` bodies so no preflight is needed,
 * but they still need Access-Control-Allow-Origin to let the SDK read the answer (and Retry-After).
 * Here an origin gets it when any write key allows it; `checkOrigin` then holds each request to
 * its own key's list.
 */
export function ingestCors(keys: readonly WriteKey[]): MiddlewareHandler {
  const anyOrigin = keys.some((key) => key.allowedOrigins === '*');
  const origins = new Set(keys.flatMap((key) => (key.allowedOrigins === '*' ? [] : key.allowedOrigins)));
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && (anyOrigin || origins.has(origin));
    if (c.req.method === 'OPTIONS') {
      if (!allowed) throw new ApiError(403, 'origin_not_allowed', `Origin ${origin ?? '(none)'} may not send events here`);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Content-Encoding',
        'Access-Control-Max-Age': '86400',
        Vary: 'Origin',
      });
    }
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    c.header('Vary', 'Origin');
    await next();
  };
}

export function checkOrigin(origin: string | undefined, key: WriteKey): void {
  // No Origin header: a server library or curl, which CORS does not concern.
  if (origin !== undefined && !originAllowed(origin, key.allowedOrigins)) {
    throw new ApiError(403, 'origin_not_allowed', `Origin ${origin} may not send events with this write key`);
  }
}
