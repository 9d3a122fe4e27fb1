import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './token-bucket.ts';

describe('createRateLimiter', () => {
  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0, 1]);
    now += 500; // one token back
    expect([limiter.take('k'), limiter.take('k')]).toEqual([0, 1]);
    expect(limiter.take('other')).toBe(0);
  });

  it('never refills past the burst', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 10, burst: 2 }, () => now);
    now += 60_000;
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 1]);
  });

  it('asks for longer waits when the rate is slow', () => {
    const limiter = createRateLimiter({ perSecond: 0.1, burst: 1 }, () => 0);
    limiter.take('k');
    expect(limiter.take('k')).toBe(10);
  });

  it('is off at a rate of 0', () => {
    const limiter = createRateLimiter({ perSecond: 0, burst: 0 });
    expect(Array.from({ length: 100 }, () => limiter.take('k')).every((wait) => wait === 0)).toBe(true);
  });

  it('forgets the least recently seen keys past its size, erring towards letting through', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // forgets a
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('c')).toBe(1);
  });
});
