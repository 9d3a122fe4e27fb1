import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

describe('groupCommit', () => {
  it('writes at once when idle, and groups whoever arrives during a write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const commit = groupCommit(async (items: number[]) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((item) => item * 10);
    });
    const first = commit([1]);
    const second = commit([2, 3]);
    const third = commit([4]);
    expect(writes).toEqual([[1]]);
    release();
    expect(await Promise.all([first, second, third])).toEqual([[10], [20, 30], [40]]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a failed write, and only those', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const commit = groupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls === 2) throw new Error('disk full');
      return items;
    });
    const first = commit([1]);
    const grouped = [commit([2]), commit([3])];
    release();
    await expect(first).resolves.toEqual([1]);
    await expect(grouped[0]).rejects.toThrow('disk full');
    await expect(grouped[1]).rejects.toThrow('disk full');
    await expect(commit([4])).resolves.toEqual([4]);
  });

  it('caps a group at maxItems', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const commit = groupCommit(async (items: number[]) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items;
    }, 3);
    const all = [commit([0]), commit([1, 2]), commit([3]), commit([4, 5])];
    release();
    await Promise.all(all);
    expect(writes).toEqual([[0], [1, 2, 3], [4, 5]]);
  });
});
