import type { WriteKey } from '../config.ts';
import { ApiError } from '../http/errors.ts';

/**
 * The write key from where Segment's libraries and browsers put it: HTTP Basic auth with the key
 * as user name and an empty password (Segment's libraries), or `?writeKey=` (sendBeacon cannot
 * set headers). The body's `writeKey` is read later, once the body is.
 */
export function writeKeyFromRequest(request: Request): string | undefined {
  const authorization = request.headers.get('authorization');
  if (authorization?.slice(0, 6).toLowerCase() === 'basic ') {
    let decoded: string;
    try {
      decoded = atob(authorization.slice(6).trim());
    } catch {
      throw new ApiError(401, 'invalid_authorization', 'The Basic authorization header is not valid base64');
    }
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  const query = new URL(request.url).searchParams.get('writeKey');
  return query ?? undefined;
}

/** Write keys are public, so a plain map lookup (not constant-time) is fine here. */
export function writeKeyIndex(keys: readonly WriteKey[]): (key: string | undefined) => WriteKey {
  const byKey = new Map(keys.map((entry) => [entry.key, entry]));
  return (key) => {
    if (key === undefined || key === '') {
      throw new ApiError(401, 'missing_write_key', 'Send a write key: Basic auth user name, "writeKey" in the body, or ?writeKey=');
    }
    const entry = byKey.get(key);
    if (!entry) throw new ApiError(401, 'unknown_write_key', 'The write key is not known to this collector');
    return entry;
  };
}
