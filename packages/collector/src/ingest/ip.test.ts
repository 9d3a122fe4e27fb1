import { describe, expect, it } from 'vitest';
import { anonymizeIp, normalizeIp } from './ip.ts';

describe('anonymizeIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.1.2.255', '10.1.2.0'],
    ['::ffff:198.51.100.9', '198.51.100.0'],
    ['2001:db8:85a3:1234:5678:8a2e:370:7334', '2001:db8:85a3::'],
    ['2001:0DB8:0000:0001::1', '2001:db8::'],
    ['fe80::1%eth0', 'fe80::'],
    ['::1', '::'],
  ])('%s → %s', (raw, anonymized) => {
    expect(anonymizeIp(raw)).toBe(anonymized);
  });

  it.each(['', 'localhost', '1.2.3', '256.1.1.1', '0x7f.0.0.1', '1.2.3.4.5', 'gggg::1'])('refuses %j', (raw) => {
    expect(anonymizeIp(raw)).toBeUndefined();
  });
});

describe('normalizeIp', () => {
  it('writes addresses in their canonical form', () => {
    expect(normalizeIp(' 2001:0DB8::0001 ')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});
