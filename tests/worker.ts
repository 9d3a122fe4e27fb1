import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, tempDir } from './support.ts';

export const workerExample = join(root, 'examples/cloudflare-worker');
const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface WorkerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The Cloudflare Worker example as its README runs it (`npm run dev`: assets, local migrations,
 * `wrangler dev`), in workerd on a free port, with its own local D1 and the given variables.
 */
export async function startWorker(vars: Record<string, string>): Promise<WorkerProcess> {
  const state = tempDir('worker');
  execFileSync(process.execPath, ['assets.ts'], { cwd: workerExample, stdio: 'ignore' });
  execFileSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'journey', '--local', '--persist-to', state.path], { cwd: workerExample, env: quiet, stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state.path, '--show-interactive-dev-session=false', ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`])],
    { cwd: workerExample, env: quiet, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    state.remove();
  };
  // Ready when the Worker answers (a misconfigured one answers too: with what to configure).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    const health = await fetch(`${url}/health`).catch(() => null);
    if (health && health.status !== 503 && (await health.text()).length) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, output: () => output, stop };
}
