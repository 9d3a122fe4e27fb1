/**
 * Seeded randomness. Every stream is named by a path of keys (`seed`, "unit", 42, "session", 3), so a
 * part of the data can be made again on its own — the streaming pass re-plans one account without
 * replaying everyone before it — and adding a draw in one place never shifts the numbers elsewhere.
 */
import { exp, ln } from './math.ts';

export type Key = number | string;

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** 32 random bits, as an unsigned integer. */
  uint32(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the entries, with probability proportional to its weight. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T;
  /** Standard normal. */
  normal(): number;
  /** Log-normal with the given median; sigma is the spread of its logarithm. */
  logNormal(median: number, sigma: number): number;
  exponential(mean: number): number;
  /** `digits` lower-case hexadecimal digits. */
  hex(digits: number): string;
  /** An independent stream: the same keys give the same stream, whatever was drawn here before. */
  fork(...keys: Key[]): Random;
}

/** murmur3's finaliser: a bijection on 32-bit integers that mixes every input bit into every output bit. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A key path's hash, in two independent 32-bit lanes: 64 bits, so among the millions of streams a
 * big data set forks, no two share a seed. A fork hashes only its own keys onto its parent's lanes.
 */
type Lanes = readonly [number, number];

const absorb = (lane: number, word: number) => mix32((lane ^ word) + 0x9e3779b9 + (lane << 6) + (lane >>> 2));

/** A string as two 64-bit-apart words, hashed from its UTF-16 code units once: forks reuse a few names. */
const stringWords = new Map<string, Lanes>();
function wordsOf(key: string): Lanes {
  let words = stringWords.get(key);
  if (!words) {
    let [a, b] = [0x27d4eb2f ^ key.length, 0x165667b1 ^ key.length];
    for (let i = 0; i < key.length; i++) [a, b] = [absorb(a, key.charCodeAt(i)), absorb(b, key.charCodeAt(i) ^ 0x5bd1e995)];
    words = [a, b];
    if (key.length <= 64 && stringWords.size < 1024) stringWords.set(key, words);
  }
  return words;
}

function absorbKeys(lanes: Lanes, keys: readonly Key[]): Lanes {
  let [a, b] = lanes;
  for (const key of keys) {
    const [x, y] = typeof key === 'string' ? wordsOf(key) : [key | 0, Math.floor(key / 2 ** 32) | 0];
    a = absorb(absorb(a, x), y);
    b = absorb(absorb(b, y ^ 0x5bd1e995), x);
  }
  return [a, b];
}

const rootLanes: Lanes = [0x243f6a88, 0x85a308d3];

/** A 32-bit hash of a key path (strings by UTF-16 code units, numbers by their 32-bit halves). */
export const hashKeys = (keys: readonly Key[]): number => absorbKeys(rootLanes, keys)[0];

const byteHex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Eight hex digits of a 32-bit word (a table: Number#toString(16) is slow in hot loops). */
export const hex32 = (word: number): string =>
  byteHex[word >>> 24]! + byteHex[(word >>> 16) & 255]! + byteHex[(word >>> 8) & 255]! + byteHex[word & 255]!;

export const createRandom = (...keys: Key[]): Random => new Stream(absorbKeys(rootLanes, keys));

/**
 * sfc32, Chris Doty-Humphrey's small fast chaotic generator (PractRand, public domain): 128 bits of
 * state in a few integer operations. A class rather than closures: the generator makes one per visit.
 */
class Stream implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly lanes: Lanes;

  constructor(lanes: Lanes) {
    this.lanes = lanes;
    const [x, y] = lanes;
    [this.a, this.b, this.c, this.d] = [x, y, mix32(x ^ 0x6a09e667), mix32(y ^ 0xbb67ae85)];
    // The first outputs of a freshly seeded sfc32 still show its seed.
    for (let i = 0; i < 12; i++) this.word();
  }

  uint32(): number {
    return this.word();
  }

  private word(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.word() / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (let index = 0; index < entries.length; index++) total += entries[index]![1];
    let left = this.next() * total;
    for (let index = 0; index < entries.length; index++) {
      left -= entries[index]![1];
      if (left < 0) return entries[index]![0];
    }
    return entries[entries.length - 1]![0];
  }

  normal(): number {
    // Marsaglia's polar method: needs only ln and √, which are exact everywhere.
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * ln(s)) / s);
    }
  }

  logNormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * ln(1 - this.next());
  }

  hex(digits: number): string {
    let out = '';
    while (out.length < digits) out += hex32(this.word());
    return out.length === digits ? out : out.slice(0, digits);
  }

  fork(...keys: Key[]): Random {
    return new Stream(absorbKeys(this.lanes, keys));
  }
}
