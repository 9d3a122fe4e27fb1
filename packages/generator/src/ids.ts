/**
 * Identifiers shaped like the real ones: the SDK's UUIDv7 for anonymousId, sessionId and messageId,
 * an app's user ids, a CRM's account ids. Random ones come from the caller's stream; the ones that
 * must never collide (users, accounts) are a bijection of their index, so they cannot.
 */
import { hashKeys, hex32, mix32, type Key, type Random } from './random.ts';

/** A UUIDv7 (RFC 9562) for the millisecond `at`, as the SDK makes them: time first, then random bits. */
export function uuid7(at: number, random: Random): string {
  const high = Math.floor(at / 2 ** 16);
  const low = at - high * 2 ** 16;
  const [a, b, c] = [random.uint32(), random.uint32(), random.uint32()];
  // 48 bits of time, version 7, 12 random bits, variant 10, 62 random bits.
  return `${hex32(high)}-${hex32(low).slice(4)}-7${hex32(a).slice(5)}-${hex32(0x8000 | (a >>> 18)).slice(4)}-${hex32(b)}${hex32(c).slice(4)}`;
}

/** A UUIDv4, as server libraries make messageIds. */
export function uuid4(random: Random): string {
  const variant = hex32(0x8000 | random.int(0, 0x3fff)).slice(4);
  return `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-${variant}-${random.hex(12)}`;
}

/**
 * Eight hex digits that look random but are distinct for distinct indexes under one seed: mix32 is a
 * bijection, and so is adding a seed-derived constant before it.
 */
export function scrambled(index: number, ...seed: Key[]): string {
  return hex32(mix32((index + hashKeys(seed)) | 0));
}
