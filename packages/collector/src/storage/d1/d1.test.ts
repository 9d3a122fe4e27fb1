import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageContract } from '../contract.ts';
import { identityContract } from '../identity-contract.ts';
import { importContract } from '../import-contract.ts';
import { analyticsContract } from '../analytics-contract.ts';
import { webhookContract } from '../webhook-contract.ts';
import { IdentityConflictError, StorageUnavailableError, type Storage } from '../port.ts';
import { d1MigrationFiles } from './migrations.ts';
import { d1MigrationsDir } from '../../../scripts/d1-migrations.ts';
import { wranglerDev, type WranglerDev } from '../../testing/wrangler.ts';

describe('D1 migrations', () => {
  it('ships SQL files that match migrations.ts (npm run migrations:d1 writes them)', async () => {
    const files = await d1MigrationFiles();
    expect(readdirSync(d1MigrationsDir).sort()).toEqual(files.map((file) => file.name).sort());
    for (const file of files) expect(readFileSync(join(d1MigrationsDir, file.name), 'utf8'), file.name).toBe(file.sql);
  });
});

/**
 * D1 as Cloudflare runs it locally: the storage runs inside workerd beside D1 (harness.ts, under
 * `wrangler dev`), with a fresh database for every storage the suites open, migrated from the
 * shipped SQL. The suites reach it one Storage call per request.
 */
const databases = 120;
const folder = mkdtempSync(join(tmpdir(), 'journey-d1-'));
let worker: WranglerDev;
let used = 0;
const databaseOf = new WeakMap<Storage, string>();

async function call(body: { call: string; database?: string; storage?: number; args?: unknown[] }): Promise<any> {
  const response = await fetch(worker.url, { method: 'POST', body: JSON.stringify(body) });
  const answer = (await response.json()) as { result?: unknown; error?: { kind: string; message: string } };
  if (answer.error) {
    const { kind, message } = answer.error;
    throw kind === 'unavailable' ? new StorageUnavailableError(message) : kind === 'conflict' ? new IdentityConflictError(message) : new Error(message);
  }
  return answer.result;
}

beforeAll(async () => {
  writeFileSync(
    join(folder, 'wrangler.json'),
    JSON.stringify({
      name: 'journey-d1-contract',
      main: relative(folder, join(import.meta.dirname, 'harness.ts')),
      compatibility_date: '2026-11-01',
      durable_objects: { bindings: [{ name: 'HARNESS', class_name: 'StorageHarness' }] },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['StorageHarness'] }],
      d1_databases: Array.from({ length: databases }, (_, i) => ({ binding: `DB${i}`, database_name: `journey-${i}`, database_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` })),
    }),
  );
  worker = await wranglerDev(folder, ['--persist-to', join(folder, 'state')], async (url) => (await fetch(url, { method: 'POST', body: '{"call":"ready"}' })).ok);
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A Storage whose every call runs in workerd. */
async function open(database?: string): Promise<Storage> {
  if (!database && used >= databases) throw new Error(`the D1 suite needs more than ${databases} databases: raise \`databases\``);
  const name = database ?? `DB${used++}`;
  const id: number = await call({ call: 'open', database: name, args: database ? [] : ['fresh'] });
  const storage = new Proxy({} as Storage, {
    get: (_, method: string) => (method === 'then' ? undefined : (...args: unknown[]) => call({ call: method, storage: id, args })),
  });
  databaseOf.set(storage, name);
  return storage;
}

const subject = {
  open: () => open(),
  reopen: (closed: Storage) => open(databaseOf.get(closed)),
  dump: (storage: Storage) => call({ call: 'dump', database: databaseOf.get(storage)! }),
};
storageContract('Cloudflare D1 (workerd)', subject);
identityContract('Cloudflare D1 (workerd)', subject);
importContract('Cloudflare D1 (workerd)', subject);
analyticsContract('Cloudflare D1 (workerd)', subject);
webhookContract('Cloudflare D1 (workerd)', subject);

describe('D1', () => {
  it('refuses a database without the schema, and says how to apply it', async () => {
    await expect(call({ call: 'open', database: `DB${databases - 1}` })).rejects.toThrow(/wrangler d1 migrations apply/);
  });
});
