import type { Context, MiddlewareHandler } from 'hono';
import type { CollectorConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { writeKeyFromRequest } from './write-key.ts';

const encoder = new TextEncoder();

/**
 * Compares in time that does not depend on where the strings differ: both sides are hashed first,
 * so even their lengths stay hidden, then every byte of the digests is compared.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  const x = new Uint8Array(left);
  const y = new Uint8Array(right);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

/** Lets through only `Authorization: Bearer <secret key>`; a write key gets a 403 that says why. */
export function requireSecretKey(config: CollectorConfig): MiddlewareHandler {
  const writeKeys = new Set(config.writeKeys.map((entry) => entry.key));
  return async (c: Context, next) => {
    const authorization = c.req.header('authorization') ?? '';
    const bearer = /^bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    if (bearer !== undefined && (await constantTimeEqual(bearer, config.secretKey))) return next();
    const presented = bearer ?? safeWriteKey(c.req.raw);
    if (presented !== undefined && writeKeys.has(presented)) {
      throw new ApiError(403, 'write_key_cannot_read', 'A write key can only send events; use the secret key');
    }
    throw new ApiError(401, 'missing_secret_key', 'Send the secret key as "Authorization: Bearer <key>"', {
      headers: { 'WWW-Authenticate': 'Bearer realm="journey"' },
    });
  };
}

const safeWriteKey = (request: Request) => {
  try {
    return writeKeyFromRequest(request);
  } catch {
    return undefined;
  }
};
