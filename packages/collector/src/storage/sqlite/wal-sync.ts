import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes committed transactions durable without blocking the event loop. node:sqlite is
 * synchronous, so with synchronous=FULL every commit's fsync would stall all requests for a
 * millisecond or more. Instead the database runs with synchronous=NORMAL (in WAL mode a commit
 * then only writes the WAL, and the database stays consistent whatever happens) and this fsyncs
 * the WAL file on libuv's thread pool before a request is answered: the same guarantee as FULL
 * for every acknowledged event. Calls that arrive while an fsync runs share the next one, so one
 * fsync covers every commit before it (group commit).
 */
export function walSync(databasePath: string): { durable(): Promise<void>; close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const fsync = async () => {
    // The WAL file exists once the first transaction has committed, and keeps its inode while the
    // connection is open (checkpoints rewrite it from the start, they do not replace it).
    handle ??= open(`${databasePath}-wal`, 'r+');
    await (await handle).sync();
  };

  const durable = (): Promise<void> => {
    if (!running) {
      running = fsync().finally(() => (running = undefined));
      return running;
    }
    // An fsync is under way, but it may have started before our commit: wait for the next one.
    next ??= running.catch(() => {}).then(() => {
      next = undefined;
      return durable();
    });
    return next;
  };

  return {
    durable,
    async close() {
      await running?.catch(() => {});
      await next?.catch(() => {});
      const file = await handle?.catch(() => undefined);
      await file?.close();
    },
  };
}
