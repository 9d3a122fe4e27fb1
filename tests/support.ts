import { spawn, type ChildProcess } from 'node:child_process';
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
}

/** Starts the collector as `npm start` does (the built bundle), as a real process on a free port. */
export async function startCollector(env: Record<string, string>, args: string[] = []): Promise<CollectorProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'packages/collector/dist/node.mjs', ...args], {
    cwd: root,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

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

  await waitFor(/listening on (http:\/\/\S+)/);
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  return { child, url, output: () => output, waitFor, exited };
}

export const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
