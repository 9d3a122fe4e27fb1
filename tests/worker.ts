import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, tempDir } from './support.ts';
import { quietEnv, wranglerCli, wranglerDev } from '../packages/collector/src/testing/wrangler.ts';

export const workerExample = join(root, 'examples/cloudflare-worker');

export interface WorkerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
  /** Fires the Cron Trigger. */
  tick(): Promise<void>;
}

/**
 * The Cloudflare Worker example as its README runs it (`npm run dev`: assets, local migrations,
 * `wrangler dev`), in workerd on a free port, with its own local D1 and the given variables.
 */
export async function startWorker(vars: Record<string, string>): Promise<WorkerProcess> {
  const state = tempDir('worker');
  const [node, wrangler] = wranglerCli;
  execFileSync(node, ['assets.ts'], { cwd: workerExample, stdio: 'ignore' });
  execFileSync(node, [wrangler, 'd1', 'migrations', 'apply', 'journey', '--local', '--persist-to', state.path], { cwd: workerExample, env: quietEnv, stdio: 'pipe' });
  const worker = await wranglerDev(
    workerExample,
    // --test-scheduled: GET /__scheduled fires the Cron Trigger.
    ['--persist-to', state.path, '--test-scheduled', ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`])],
    // Ready when the Worker answers (a misconfigured one answers too: with what to configure).
    async (url) => {
      const health = await fetch(`${url}/health`);
      return health.status !== 503 && (await health.text()).length > 0;
    },
  ).catch((error: unknown) => {
    state.remove();
    throw error;
  });
  return {
    url: worker.url,
    output: worker.output,
    // wrangler dev --test-scheduled: the Cron Trigger, on demand.
    async tick() {
      const response = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
      await response.body?.cancel();
    },
    async stop() {
      await worker.stop();
      state.remove();
    },
  };
}
