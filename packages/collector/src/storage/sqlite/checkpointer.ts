import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection. A checkpoint copies
 * the WAL into the database file and fsyncs it; done by the writing connection (SQLite's
 * automatic checkpoint), that blocked the event loop for a fifth of the time under load. Here
 * the writer only asks, after a commit, and a PASSIVE checkpoint never blocks the writer.
 */
export function checkpointer(path: string): { afterCommit(): void; close(): Promise<void> } {
  const worker = new Worker(workerSource, { eval: true, workerData: { path } });
  worker.unref();
  let running = false;
  let wanted = false;
  let onIdle: (() => void) | undefined;

  worker.on('message', (message) => {
    if (message === 'closed') return;
    running = false;
    if (wanted) request();
    else onIdle?.();
  });
  // A failed checkpoint loses nothing: the WAL keeps the data and the next one retries.
  worker.on('error', () => {
    running = false;
  });

  function request() {
    wanted = false;
    running = true;
    worker.postMessage('checkpoint');
  }

  return {
    afterCommit() {
      if (running) wanted = true;
      else request();
    },
    async close() {
      wanted = false;
      if (running) await new Promise<void>((resolve) => (onIdle = resolve));
      // The worker closes its connection itself, so the writer's close is the last one and lets
      // SQLite checkpoint and remove the WAL. Then the thread is ended from here: Deno's worker
      // threads cannot close their own port.
      const closed = new Promise((resolve) => worker.on('message', (message) => message === 'closed' && resolve(undefined)));
      worker.ref(); // a process with nothing else to do must still wait for the connection to close
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

// Plain JavaScript, evaluated as the worker's module: it stays one file inside the bundle.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const database = new DatabaseSync(workerData.path);
database.exec('PRAGMA busy_timeout = 5000');
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (message) => {
  if (message === 'close') {
    database.close();
    parentPort.postMessage('closed');
    return;
  }
  try { checkpoint.get(); } catch {}
  parentPort.postMessage('done');
});
`;
