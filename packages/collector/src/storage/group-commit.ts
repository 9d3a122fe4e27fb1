/**
 * Turns concurrent writes into one transaction: callers queue, and a commit takes everything
 * queued. Under load, one fsync then covers many requests (group commit, as databases do for their
 * own logs). `write` gets the callers' items concatenated in arrival order and returns one result
 * per item; a failed commit fails every caller in it.
 *
 * A commit starts on the next turn of the event loop, not at once: with a synchronous driver
 * (node:sqlite) a whole transaction runs without yielding, so requests parsed in the same turn
 * would otherwise each get their own fsync. The wait is one turn, not a timer.
 */
export function groupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  maxItems = 10_000,
): (items: readonly T[]) => Promise<R[]> {
  type Waiter = { items: readonly T[]; resolve: (results: R[]) => void; reject: (error: unknown) => void };
  let queue: Waiter[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      let count = 0;
      let taken = 0;
      while (taken < queue.length && (taken === 0 || count + queue[taken]!.items.length <= maxItems)) {
        count += queue[taken]!.items.length;
        taken += 1;
      }
      const group = queue.slice(0, taken);
      queue = queue.slice(taken);
      try {
        const results = await write(group.flatMap((waiter) => waiter.items));
        let offset = 0;
        for (const waiter of group) {
          waiter.resolve(results.slice(offset, offset + waiter.items.length));
          offset += waiter.items.length;
        }
      } catch (error) {
        for (const waiter of group) waiter.reject(error);
      }
    }
    writing = false;
  }

  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!writing) {
        writing = true;
        nextTurn(() => void drain());
      }
    });
}

// setImmediate runs after the I/O already waiting (Node, Bun, Deno); Workers only have setTimeout.
const nextTurn: (run: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);
