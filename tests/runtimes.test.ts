import { join } from 'node:path';
import { describe } from 'vitest';
import { ingestionSuite, suiteKeys, type RunningTarget } from './ingestion-suite.ts';
import { createDatabase, postgresAvailable } from './postgres.ts';
import { runtimeAvailable, startCollector, stopCollector, tempDir, type CollectorProcess, type Runtime } from './support.ts';

/**
 * One collector process on `runtime`, configured by `env`; a restart is SIGTERM (which must exit 0)
 * and a new process on the same database.
 */
async function collectorOn(runtime: Runtime, env: Record<string, string>, cleanUp: () => Promise<void>): Promise<RunningTarget> {
  const environment = { ...env, JOURNEY_WRITE_KEYS: suiteKeys.writeKey, JOURNEY_SECRET_KEY: suiteKeys.secretKey };
  let collector: CollectorProcess = await startCollector(environment, [], runtime);
  const stop = async () => {
    const code = await stopCollector(collector);
    if (code !== 0) throw new Error(`the ${runtime} collector exited with ${code} on SIGTERM; output:\n${collector.output()}`);
  };
  return {
    url: collector.url,
    async stop() {
      try {
        await stop();
      } finally {
        await cleanUp();
      }
    },
    async restart() {
      await stop();
      collector = await startCollector(environment, [], runtime);
      return collector.url;
    },
  };
}

/** The collector on `runtime` with its own SQLite file in a temporary folder. */
async function onSqlite(runtime: Runtime): Promise<RunningTarget> {
  const data = tempDir(runtime);
  try {
    return await collectorOn(runtime, { JOURNEY_DB: join(data.path, 'journey.db') }, async () => data.remove());
  } catch (error) {
    data.remove();
    throw error;
  }
}

for (const runtime of ['node', 'bun', 'deno'] as const) {
  describe.runIf(runtimeAvailable(runtime))(`${runtime} on SQLite`, () => {
    ingestionSuite(`${runtime} on SQLite`, () => onSqlite(runtime));
  });
}

// Node on PostgreSQL is tests/node-postgres.test.ts; here the same suite runs on Bun with pg.
const postgres = runtimeAvailable('bun') && (await postgresAvailable('the Bun-on-PostgreSQL ingestion suite'));
describe.runIf(postgres)('bun on PostgreSQL', () => {
  ingestionSuite('bun on PostgreSQL', async () => {
    const database = await createDatabase('bun');
    try {
      return await collectorOn('bun', { JOURNEY_DB: database.url }, database.drop);
    } catch (error) {
      await database.drop();
      throw error;
    }
  });
});
