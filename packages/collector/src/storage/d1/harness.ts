/**
 * A Worker for the D1 contract tests: it runs the storage inside workerd, next to D1, and takes
 * one HTTP request per Storage call. The suites call the port, not SQL, so a test's many
 * statements stay inside workerd instead of each crossing to Node and back.
 */
import { IdentityConflictError, StorageUnavailableError, type Storage } from '../port.ts';
import type { D1Binding } from './binding.ts';
import { openD1Storage } from './index.ts';
import { d1MigrationFiles } from './migrations.ts';

const storages = new Map<number, Storage>();
let opened = 0;

interface HarnessEnv {
  HARNESS: { idFromName(name: string): unknown; get(id: unknown): { fetch(request: Request): Promise<Response> } };
  [database: string]: unknown;
}

/**
 * In a Durable Object, as in production (worker/index.ts): a plain Worker may not hand one
 * request's I/O to another, and group commit does exactly that with concurrent writes.
 */
export default {
  fetch: (request: Request, env: HarnessEnv): Promise<Response> => env.HARNESS.get(env.HARNESS.idFromName('harness')).fetch(request),
};

export class StorageHarness {
  readonly #env: Record<string, D1Binding>;
  constructor(_state: unknown, env: Record<string, D1Binding>) {
    this.#env = env;
  }

  async fetch(request: Request): Promise<Response> {
    const env = this.#env;
    const { call, database, storage, args = [] } = (await request.json()) as { call: string; database?: string; storage?: number; args?: unknown[] };
    try {
      if (call === 'ready') return Response.json({ result: true });
      if (call === 'open') {
        const binding = env[database!]!;
        if (args[0] === 'fresh') await migrate(binding);
        storages.set(++opened, await openD1Storage(binding));
        return Response.json({ result: opened });
      }
      if (call === 'dump') return Response.json({ result: await dump(env[database!]!) });
      const target = storages.get(storage!)!;
      const method = (target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call]!;
      const result = await method.apply(target, args);
      return Response.json(result === undefined ? {} : { result }); // undefined stays undefined
    } catch (error) {
      const kind = error instanceof StorageUnavailableError ? 'unavailable' : error instanceof IdentityConflictError ? 'conflict' : 'error';
      return Response.json({ error: { kind, message: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) } });
    }
  }
}

async function migrate(binding: D1Binding): Promise<void> {
  for (const file of await d1MigrationFiles()) {
    const statements = file.sql.split('\n').filter((line) => line && !line.startsWith('--'));
    await binding.batch(statements.map((statement) => binding.prepare(statement)));
  }
}

/** Every row of every table but D1's own. */
async function dump(binding: D1Binding): Promise<string> {
  const tables = (await binding.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name").all<{ name: string }>()).results;
  const rows = [];
  for (const { name } of tables) rows.push([name, (await binding.prepare(`SELECT * FROM "${name}"`).all()).results]);
  return JSON.stringify(rows);
}
