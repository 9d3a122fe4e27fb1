/**
 * Background work on a timer (servers: Node, Bun, Deno): a pass every `interval` ms, at once again
 * when a pass says there is more, ten times slower after a failure (the database away: a request
 * reports its own), until the storage closes. The timer never holds the process open.
 */
import { StorageClosedError } from './storage/port.ts';

export function repeat(pass: () => Promise<{ more: boolean }>, interval: number, stopped: () => void = () => {}): void {
  const next = (delay: number) => (setTimeout(run, delay) as { unref?: () => void }).unref?.();
  const run = () =>
    pass().then(
      ({ more }) => next(more ? 0 : interval),
      (error: unknown) => (error instanceof StorageClosedError ? stopped() : next(interval * 10)),
    );
  next(interval);
}
