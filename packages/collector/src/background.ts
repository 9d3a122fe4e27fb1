/**
 * Background work on a timer (servers: Node, Bun, Deno): a pass every `interval` ms, at once again
 * when a pass says there is more, after `rest` ms when a pass asks for a longer rest than that
 * (work that took long gives the requests it held up their turn), ten times slower after a
 * failure (the database away: a request reports its own), until the storage closes. The timer
 * never holds the process open.
 */
import { StorageClosedError } from './storage/port.ts';

export function repeat(pass: () => Promise<{ more: boolean; rest?: number }>, interval: number, stopped: () => void = () => {}): void {
  const next = (delay: number) => (setTimeout(run, delay) as { unref?: () => void }).unref?.();
  const run = () =>
    pass().then(
      ({ more, rest = 0 }) => next(more ? 0 : Math.max(interval, rest)),
      (error: unknown) => (error instanceof StorageClosedError ? stopped() : next(interval * 10)),
    );
  next(interval);
}
