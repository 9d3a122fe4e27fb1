import ipaddr from 'ipaddr.js';

/**
 * The client's IP with its host part removed before anything is stored: the last octet of an
 * IPv4 address, the last 80 bits of an IPv6 address (what Google Analytics and Matomo do), so
 * it still tells country and network but no longer the household. Undefined when not an IP.
 */
export function anonymizeIp(raw: string): string | undefined {
  const ip = normalizeIp(raw);
  if (ip === undefined) return undefined;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') {
    const octets = (address as ipaddr.IPv4).octets.slice();
    octets[3] = 0;
    return new ipaddr.IPv4(octets).toString();
  }
  const parts = (address as ipaddr.IPv6).parts.slice(0, 3);
  return new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]).toString();
}

/** A valid IP in its canonical text form (IPv4-mapped IPv6 as IPv4, zone dropped), else undefined. */
export function normalizeIp(raw: string): string | undefined {
  const text = raw.trim().replace(/%.*$/, '');
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toString();
}
