#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startNodeCollector } from './index.ts';

// `node packages/collector/src/node/main.ts [--site <folder>] [--script <file>]`; the rest of the
// configuration comes from the environment (README: Configuration).
const { values } = parseArgs({
  options: { site: { type: 'string' }, script: { type: 'string' } },
});

const started = startNodeCollector({ env: process.env, site: values.site, scriptFile: values.script });
started.catch((error: unknown) => {
  console.error(`Journey collector could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// Registered before start-up finishes, so a signal that arrives during it still shuts down cleanly.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    console.log(`${signal}: finishing open requests, then closing the database`);
    try {
      await (await started).close();
      process.exit(0);
    } catch (error) {
      console.error('shutdown failed', error);
      process.exit(1);
    }
  });
}
