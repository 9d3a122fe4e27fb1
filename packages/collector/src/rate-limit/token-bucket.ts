export interface RateLimiter {
  /** Takes one request from `key`'s allowance: 0 when it may go ahead, else the seconds to wait. */
  take(key: string): number;
}

export interface RateLimit {
  /** Sustained requests per second; 0 turns the limit off. */
  perSecond: number;
  /** Requests that may arrive at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket per key, in memory. The map is capped: past `maxKeys`, the least recently seen
 * keys are forgotten, which only ever errs towards letting a request through. In-memory means
 * per process (per isolate on Workers): a limit against floods, not an exact quota.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  if (limit.perSecond <= 0) return { take: () => 0 };
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const time = now();
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key); // re-inserted below, so the map's order stays least recently seen first
        bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond);
        bucket.at = time;
      } else {
        bucket = { tokens: limit.burst, at: time };
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
  };
}
