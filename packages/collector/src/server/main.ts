import { parseArgs } from 'node:util';

export interface RunningCollector {
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, saves the journeys' staging, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string | undefined>;
  site?: string | undefined;
  scriptFile?: string | undefined;
}

/**
 * The command line of every server runtime: `[--site <folder>] [--script <file>]`, the rest from
 * the environment; SIGTERM and SIGINT shut down gracefully. Signal handlers are registered before
 * start-up finishes, so a signal that arrives during it still shuts down cleanly.
 */
export function runMain(start: (options: StartOptions) => Promise<RunningCollector>): void {
  const { values } = parseArgs({ options: { site: { type: 'string' }, script: { type: 'string' } } });
  const started = start({ env: process.env, site: values.site, scriptFile: values.script });
  started.catch((error: unknown) => {
    console.error(`Journey collector could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, async () => {
      console.log(`${signal}: finishing open requests, then saving the journeys' staging and closing the database`);
      try {
        await (await started).close();
        process.exit(0);
      } catch (error) {
        console.error('shutdown failed', error);
        process.exit(1);
      }
    });
  }
}
