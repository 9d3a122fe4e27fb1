import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

describe('groupCommit', () => {
  it('commits the callers of one turn together, and whoever arrives during a commit in the next', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const commit = groupCommit(async (items: number[]) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((item) => item * 10);
    });
    const first = [commit([1]), commit([2])];
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toEqual([[1, 2]]);
    const second = commit([3, 4]);
    const third = commit([5]);
    release();
    expect(await Promise.all([...first, second, third])).toEqual([[10], [20], [30, 40], [50]]);
    expect(writes).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('fails every caller of a failed commit, and only those', async () => {
    let calls = 0;
    const commit = groupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return items;
    });
    const failed = [commit([1]), commit([2])];
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    await expect(commit([3])).resolves.toEqual([3]);
  });

  it('caps a group at maxItems', async () => {
    const writes: number[][] = [];
    const commit = groupCommit(async (items: number[]) => {
      writes.push(items);
      return items;
    }, 3);
    await Promise.all([commit([0]), commit([1, 2]), commit([3]), commit([4, 5])]);
    expect(writes).toEqual([[0, 1, 2], [3, 4, 5]]);
  });
});
