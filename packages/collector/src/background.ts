/**
 * Background work on a timer (servers: Node, Bun, Deno): a pass every `interval` ms, at once again
 * when a pass says there is more, after `rest` ms when a pass asks for a longer rest than that
 * (work that took long gives the requests it held up their turn), ten times slower after a
 * failure (the database away: a request reports its own), until the storage closes. The timer
 * never holds the process open.
 */
import { StorageClosedError } from './storage/port.ts';

/** Lets the requests that came meanwhile in (a timer of 0 ms): between the steps of a long piece of work. */
export const letRequestsIn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function repeat(pass: () => Promise<{ more: boolean; rest?: number }>, interval: number, stopped: () => void = () => {}): void {
  const next = (delay: number) => (setTimeout(run, delay) as { unref?: () => void }).unref?.();
  const run = () =>
    pass().then(
      ({ more, rest = 0 }) => next(more ? 0 : Math.max(interval, rest)),
      (error: unknown) => (error instanceof StorageClosedError ? stopped() : next(interval * 10)),
    );
  next(interval);
}

/**
 * A pass that rests `factor` times as long as it took, but only while `version()` keeps changing
 * (ingestion under way: the pass would take the thread from it). Called every interval during the
 * rest, it reads the version and goes ahead as soon as it is what it was at the last reading: the
 * work has stopped coming (a backfill has ended), and there is nothing left to yield to.
 */
export function restingWhileChanging(pass: () => Promise<void>, version: () => Promise<string>, now: () => number = () => performance.now(), factor = 3): () => Promise<{ more: boolean }> {
  let until = -Infinity;
  let seen: string | undefined;
  return async () => {
    if (now() < until) {
      const current = await version();
      if (current !== seen) {
        seen = current;
        return { more: false };
      }
    }
    const began = now();
    await pass();
    until = now() + factor * (now() - began);
    seen = await version();
    return { more: false };
  };
}
