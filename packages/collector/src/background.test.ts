import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { repeat, restingWhileChanging } from './background.ts';
import { StorageClosedError } from './storage/port.ts';

describe('background passes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('run every interval, at once again when there is more, and rest as long as a pass asks when that is longer', async () => {
    const answers = [{ more: true }, { more: false }, { more: false, rest: 1_000 }, { more: false, rest: 50 }, { more: false }];
    const pass = vi.fn(async () => answers.shift() ?? { more: false });
    repeat(pass, 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(pass).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pass).toHaveBeenCalledTimes(2); // the first had more: at once
    await vi.advanceTimersByTimeAsync(100);
    expect(pass).toHaveBeenCalledTimes(3); // asks for a rest of a second
    await vi.advanceTimersByTimeAsync(999);
    expect(pass).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(pass).toHaveBeenCalledTimes(4); // a rest shorter than the interval: the interval
    await vi.advanceTimersByTimeAsync(99);
    expect(pass).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(pass).toHaveBeenCalledTimes(5);
  });

  it('wait ten intervals after a failure, and stop for good once the storage is closed', async () => {
    const failures = [new Error('the database is away'), new StorageClosedError()];
    const pass = vi.fn(async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return { more: false };
    });
    const stopped = vi.fn();
    repeat(pass, 100, stopped);
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(999);
    expect(pass).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(pass).toHaveBeenCalledTimes(2);
    expect(stopped).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('rest after a long pass while what they follow keeps changing, and go ahead once it stops', async () => {
    let clock = 0;
    let version = 'v1';
    const work = vi.fn(async () => {
      clock += 100; // each pass takes 100 ms
    });
    const pass = restingWhileChanging(work, async () => version, () => clock);
    await pass();
    expect(work).toHaveBeenCalledTimes(1); // ends at 100: rests until 400 while changes come

    clock = 150;
    version = 'v2';
    await pass();
    clock = 200;
    version = 'v3';
    await pass();
    expect(work).toHaveBeenCalledTimes(1); // still changing: resting

    clock = 250; // no change since the last look: nothing to yield to
    await pass();
    expect(work).toHaveBeenCalledTimes(2); // ends at 350: rests until 650

    clock = 400;
    version = 'v4';
    await pass();
    expect(work).toHaveBeenCalledTimes(2);
    clock = 700; // the rest is over, changing or not
    version = 'v5';
    await pass();
    expect(work).toHaveBeenCalledTimes(3);
  });
});
