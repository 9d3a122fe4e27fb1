import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

export function tempDir(name: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `journey-${name}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface CollectorProcess {
  child: ChildProcess;
  url: string;
  /** Everything printed so far. */
  output(): string;
  /** Resolves when the output contains `text`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /**
   * Started as a process group (through npm, whose shell does not pass signals on): signals go to
   * the whole group, and it has stopped only when the group is empty.
   */
  group: boolean;
}

export type Runtime = 'node' | 'bun' | 'deno';

/** The server runtimes' own binaries: Bun and Deno are dev dependencies, Node is the one running us. */
const binaries = { bun: join(root, 'node_modules/.bin/bun'), deno: join(root, 'node_modules/.bin/deno') };

/**
 * How each runtime starts the collector: Node runs the built bundle (what `npm start` runs), Bun
 * and Deno run the TypeScript sources as `npm run start:bun` and `npm run start:deno` do.
 */
function command(runtime: Runtime): [string, string[]] {
  switch (runtime) {
    case 'node':
      return [process.execPath, ['--enable-source-maps', 'packages/collector/dist/node.mjs']];
    case 'bun':
      return [binaries.bun, ['packages/collector/src/bun/main.ts']];
    case 'deno':
      return [binaries.deno, ['run', '-A', 'packages/collector/src/deno/main.ts']];
  }
}

/**
 * Whether Bun or Deno can run here. They come with `npm install`, so a missing one is skipped
 * with the reason printed on a developer's machine, and a failure in CI (CI=1), never a silent skip.
 */
export function runtimeAvailable(runtime: Runtime): boolean {
  if (runtime === 'node') return true;
  const binary = binaries[runtime];
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (version.status === 0) return true;
  const reason = version.error?.message ?? version.stderr.trim();
  if (process.env.CI) throw new Error(`CI must run the ${runtime} tests, but ${binary} does not run: ${reason}`);
  console.warn(`Skipping ${runtime} tests: ${binary} does not run (${reason}); npm install brings it`);
  return false;
}

/**
 * Starts the collector on `runtime` as a real process on a free port, and resolves once it listens.
 * Node runs what `npm start` runs (the built bundle).
 */
export function startCollector(env: Record<string, string>, args: string[] = [], runtime: Runtime = 'node'): Promise<CollectorProcess> {
  const [binary, entry] = command(runtime);
  return startProcess(binary, [...entry, ...args], { env: { PORT: '0', ...env } });
}

/**
 * Runs any command that starts a collector, and resolves once it listens. `group` for a command
 * that starts it in a process of its own (an example's `npm start`: npm, a shell, the runtime).
 */
export async function startProcess(
  binary: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; group?: boolean } = {},
): Promise<CollectorProcess> {
  const group = options.group ?? false;
  const child = spawn(binary, args, {
    cwd: options.cwd ?? root,
    // Tests count what they send: no demo data unless a test asks for it.
    env: { ...process.env, JOURNEY_SEED_DEMO: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    // A binary that cannot be spawned emits 'error' and never 'exit'.
    child.once('error', (error) => {
      output += `\n${String(error)}`;
      done(null);
    });
  });

  const waitFor = (text: string | RegExp, timeoutMs = 15_000) =>
    new Promise<void>((done, fail) => {
      const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      if (matches()) return done();
      const timer = setTimeout(() => {
        listeners.delete(check);
        fail(new Error(`timed out waiting for ${String(text)}; output so far:\n${output}`));
      }, timeoutMs);
      const check = () => {
        if (!matches()) return;
        clearTimeout(timer);
        listeners.delete(check);
        done();
      };
      listeners.add(check);
      void exited.then(() => {
        if (matches()) return;
        clearTimeout(timer);
        fail(new Error(`collector exited; output:\n${output}`));
      });
    });

  const collector: CollectorProcess = { child, url: '', output: () => output, waitFor, exited, group };
  try {
    await waitFor(/listening on (http:\/\/\S+)/);
  } catch (error) {
    // Nothing may outlive a start that failed (a timeout leaves the process running).
    await kill(collector);
    throw error;
  }
  collector.url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  return collector;
}

function signal(collector: CollectorProcess, name: NodeJS.Signals): void {
  try {
    if (collector.group) process.kill(-collector.child.pid!, name);
    else collector.child.kill(name);
  } catch {
    // Gone already.
  }
}

/** Whether anything of the collector still runs: the process, or anything in its group. */
function running(collector: CollectorProcess): boolean {
  if (!collector.group) return collector.child.exitCode === null && collector.child.signalCode === null;
  try {
    process.kill(-collector.child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether it stops within `timeoutMs`. No event says when a group empties, so this polls. */
async function stopped(collector: CollectorProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (running(collector) && Date.now() < deadline) await new Promise((later) => setTimeout(later, 25));
  return !running(collector);
}

async function kill(collector: CollectorProcess): Promise<void> {
  signal(collector, 'SIGKILL');
  await stopped(collector, 5000);
}

/**
 * SIGTERM, then the exit code: a graceful shutdown exits 0. One that takes longer than
 * `timeoutMs` is killed, and the output says where it hung.
 */
export async function stopCollector(collector: CollectorProcess, timeoutMs = 10_000): Promise<number | null> {
  if (!running(collector)) return collector.exited;
  signal(collector, 'SIGTERM');
  if (await stopped(collector, timeoutMs)) return collector.exited;
  await kill(collector);
  throw new Error(`the collector did not stop within ${timeoutMs} ms of SIGTERM; output:\n${collector.output()}`);
}

export const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
