/**
 * Signing in to the dashboard: the secret key, once, for a session cookie. The cookie holds only
 * its expiry, signed (HMAC-SHA256) with a key derived from the secret key, so the collector keeps
 * no session state on any runtime and changing the secret key signs everyone out.
 */
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { constantTimeEqual } from '../auth/secret-key.ts';

const cookie = 'journey_session';
const path = '/dashboard';
/** A working day: long enough not to interrupt, short enough that a forgotten browser expires. */
export const sessionLength = 12 * 60 * 60 * 1000;

const signingKey = (secretKey: string) => `journey dashboard session\u0000${secretKey}`;

/** Behind a TLS-terminating proxy the collector sees http; the proxy's header says it was https. */
const overHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

/** Starts a session when `presented` is the secret key; false otherwise. */
export async function signIn(c: Context, presented: string, secretKey: string, now: number): Promise<boolean> {
  if (!(await constantTimeEqual(presented, secretKey))) return false;
  await setSignedCookie(c, cookie, String(now + sessionLength), signingKey(secretKey), {
    path,
    httpOnly: true,
    secure: overHttps(c),
    sameSite: 'Strict',
    maxAge: sessionLength / 1000,
  });
  return true;
}

/** Whether the request carries a session cookie this secret key signed, not yet expired. */
export async function signedIn(c: Context, secretKey: string, now: number): Promise<boolean> {
  const value = await getSignedCookie(c, signingKey(secretKey), cookie);
  return typeof value === 'string' && /^\d+$/.test(value) && Number(value) > now;
}

export function signOut(c: Context): void {
  deleteCookie(c, cookie, { path, httpOnly: true, secure: overHttps(c), sameSite: 'Strict' });
}
