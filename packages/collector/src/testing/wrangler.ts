import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const wrangler = resolve(import.meta.dirname, '../../../../node_modules/wrangler/bin/wrangler.js');
/** wrangler without telemetry or colours, for tests. */
export const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
export const wranglerCli = [process.execPath, wrangler] as const;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface WranglerDev {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `wrangler dev` in `cwd` on a free port: a Worker in workerd, as a developer runs it. Resolves
 * once `ready(url)` says the Worker answers.
 */
export async function wranglerDev(cwd: string, args: string[], ready: (url: string) => Promise<boolean>): Promise<WranglerDev> {
  const port = await freePort();
  const child = spawn(process.execPath, [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', ...args], {
    cwd,
    env: quietEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    if (await ready(url).catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  return { url, output: () => output, stop };
}
