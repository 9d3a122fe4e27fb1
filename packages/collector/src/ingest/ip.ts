import ipaddr from 'ipaddr.js';

/**
 * The client's IP with its host part removed before anything is stored: the last octet of an
 * IPv4 address, the last 80 bits of an IPv6 address (what Google Analytics and Matomo do), so
 * it still tells country and network but no longer the household. Undefined when not an IP.
 */
export function anonymizeIp(raw: string): string | undefined {
  // A site's traffic comes from a limited set of addresses at a time, and parsing is not free.
  let anonymized = cache.get(raw);
  if (anonymized === undefined && !cache.has(raw)) {
    anonymized = mask(raw);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(raw, anonymized);
  }
  return anonymized;
}

const cache = new Map<string, string | undefined>();
const cacheSize = 10_000;

function mask(raw: string): string | undefined {
  const ip = normalizeIp(raw);
  if (ip === undefined) return undefined;
  if (!ip.includes(':')) return ip.slice(0, ip.lastIndexOf('.')) + '.0';
  const parts = ipaddr.IPv6.parse(ip).parts.slice(0, 3);
  return new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]).toString();
}

/** A valid IP in its canonical text form (IPv4-mapped IPv6 as IPv4, zone dropped), else undefined. */
export function normalizeIp(raw: string): string | undefined {
  const text = raw.trim().replace(/%.*$/, '');
  // Decide the family first: ipaddr's validators throw (and capture a stack) on the other family.
  if (!text.includes(':')) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toString() : undefined;
  }
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toString();
}
