/**
 * The Journey-Signature header, in Stripe's style: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with the subscription's secret>`. The timestamp is signed too, so a receiver that
 * refuses old ones (5 minutes, say) cannot be fed a captured delivery again.
 */
const encoder = new TextEncoder();

async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function signature(secret: string, body: string, at: number): Promise<string> {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${await hmac(secret, `${t}.${body}`)}`;
}

/** What a receiver does (README: Webhooks): true when the header signs this body with this secret, within `tolerance` ms of now. */
export async function verifySignature(secret: string, body: string, header: string, now: number, tolerance = 5 * 60 * 1000): Promise<boolean> {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isInteger(t) || Math.abs(now - t * 1000) > tolerance || !parts['v1']) return false;
  const expected = await hmac(secret, `${t}.${body}`);
  let difference = expected.length ^ parts['v1'].length;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ (parts['v1'].charCodeAt(i) || 0);
  return difference === 0;
}
