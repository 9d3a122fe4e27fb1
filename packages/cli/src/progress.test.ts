import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.ts';

/** A clock that moves only when told: rates come out exact. */
const clock = () => {
  let time = 1_000_000;
  return { now: () => time, advance: (ms: number) => (time += ms) };
};

describe('the progress bar', () => {
  it('writes a line per update when stderr is not a terminal', () => {
    let written = '';
    const { now, advance } = clock();
    const progress = progressBar({ isTTY: false, write: (text: string) => (written += text) }, 2500, now);
    advance(2000);
    progress.update(1000);
    advance(1000);
    progress.update(2500);
    progress.finish();
    expect(written).toBe('sent 1,000/2,500 rows  40%  500 rows/s\nsent 2,500/2,500 rows  100%  833 rows/s\n');
  });

  it('redraws one line in place on a terminal and ends it when done', () => {
    let written = '';
    const { now, advance } = clock();
    const progress = progressBar({ isTTY: true, columns: 66, write: (text: string) => (written += text) }, 4, now);
    advance(1000);
    progress.update(1);
    progress.update(4);
    progress.finish();
    const frames = written.split('\r').slice(1);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/^\[█{4}░{12}\] 1\/4 rows {2}25% {2}1 rows\/s\x1b\[K$/);
    expect(frames[1]).toMatch(/^\[█{16}\] 4\/4 rows {2}100% {2}4 rows\/s\x1b\[K\n$/);
  });

  it('draws nothing, and ends no line, when nothing was sent', () => {
    let written = '';
    progressBar({ isTTY: true, write: (text: string) => (written += text) }, 0).finish();
    expect(written).toBe('');
  });
});
