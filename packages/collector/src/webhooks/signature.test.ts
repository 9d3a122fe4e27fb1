import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signature, verifySignature } from './signature.ts';

describe('Journey-Signature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = '{"id":"dl_1","type":"person.identified"}';
  const at = Date.UTC(2026, 2, 1, 9, 0, 0, 500);

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as Stripe signs', async () => {
    const t = Math.floor(at / 1000);
    expect(await signature(secret, body, at)).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  });

  it('verifies only the same body, secret and a recent time', async () => {
    const header = await signature(secret, body, at);
    expect(await verifySignature(secret, body, header, at + 60_000)).toBe(true);
    expect(await verifySignature(secret, `${body} `, header, at)).toBe(false);
    expect(await verifySignature('whsec_another_secret_00', body, header, at)).toBe(false);
    expect(await verifySignature(secret, body, header, at + 10 * 60_000)).toBe(false);
    expect(await verifySignature(secret, body, 'v1=abc', at)).toBe(false);
  });
});
