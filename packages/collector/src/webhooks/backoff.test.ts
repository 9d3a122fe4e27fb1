import { describe, expect, it } from 'vitest';
import { nextAttempt, retryFor } from './backoff.ts';

describe('nextAttempt', () => {
  const created = Date.UTC(2026, 2, 1);
  const none = () => 0;
  it('waits 30 s after the first failure, twice as long after each next one, at most two hours', () => {
    expect([1, 2, 3, 4, 10].map((attempts) => nextAttempt(attempts, created, created, none)! - created)).toEqual([30_000, 60_000, 120_000, 240_000, 7_200_000]);
  });
  it('adds up to a fifth at random, so recovered receivers are not hit by every sender at once', () => {
    expect(nextAttempt(1, created, created, () => 0.999)! - created).toBe(35_994);
  });
  it('never retries past 24 hours after the delivery was made: then it is dead', () => {
    expect(nextAttempt(12, created, created + retryFor - 60_000, none)).toBe(created + retryFor);
    expect(nextAttempt(13, created, created + retryFor, none)).toBeNull();
  });
});
