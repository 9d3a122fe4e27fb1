import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { storageContract } from '../contract.ts';
import { identityContract } from '../identity-contract.ts';
import type { Storage } from '../port.ts';
import type { D1Binding } from './binding.ts';
import { openD1Storage } from './index.ts';
import { d1MigrationFiles } from './migrations.ts';
import { d1MigrationsDir } from '../../../scripts/d1-migrations.ts';

describe('D1 migrations', () => {
  it('ships SQL files that match migrations.ts (npm run migrations:d1 writes them)', async () => {
    const files = await d1MigrationFiles();
    expect(readdirSync(d1MigrationsDir).sort()).toEqual(files.map((file) => file.name).sort());
    for (const file of files) expect(readFileSync(join(d1MigrationsDir, file.name), 'utf8'), file.name).toBe(file.sql);
  });
});

/**
 * D1 as Cloudflare runs it locally: workerd's D1 (through wrangler's platform proxy), a fresh
 * database for every storage the suites open, migrated from the shipped SQL files.
 */
const databases = 120;
// Every statement crosses from Node into workerd and back: the identity suite's replays take a while.
vi.setConfig({ testTimeout: 60_000 });
const folder = mkdtempSync(join(tmpdir(), 'journey-d1-'));
let proxy: Awaited<ReturnType<typeof getPlatformProxy<Record<string, D1Binding>>>>;
let used = 0;
const bindingOf = new WeakMap<Storage, D1Binding>();

beforeAll(async () => {
  const config = join(folder, 'wrangler.json');
  writeFileSync(
    config,
    JSON.stringify({
      name: 'journey-d1-contract',
      compatibility_date: '2026-11-01',
      d1_databases: Array.from({ length: databases }, (_, i) => ({ binding: `DB${i}`, database_name: `journey-${i}`, database_id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}` })),
    }),
  );
  proxy = await getPlatformProxy<Record<string, D1Binding>>({ configPath: config, persist: { path: join(folder, 'state') } });
}, 60_000);
afterAll(async () => {
  await proxy?.dispose();
  rmSync(folder, { recursive: true, force: true });
});

async function migrated(binding: D1Binding): Promise<D1Binding> {
  for (const file of await d1MigrationFiles()) {
    const statements = file.sql.split('\n').filter((line) => line && !line.startsWith('--'));
    await binding.batch(statements.map((statement) => binding.prepare(statement)));
  }
  return binding;
}

async function open(existing?: D1Binding): Promise<Storage> {
  if (!existing && used >= databases) throw new Error(`the D1 suite needs more than ${databases} databases: raise \`databases\``);
  const binding = existing ?? (await migrated(proxy.env[`DB${used++}`]!));
  const storage = await openD1Storage(binding);
  bindingOf.set(storage, binding);
  return storage;
}

/** Every row of every table. */
async function dump(storage: Storage): Promise<string> {
  const binding = bindingOf.get(storage)!;
  const tables = (await binding.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").all<{ name: string }>()).results;
  const rows = [];
  for (const { name } of tables) rows.push([name, (await binding.prepare(`SELECT * FROM "${name}"`).all()).results]);
  return JSON.stringify(rows);
}

const subject = { open: () => open(), reopen: (closed: Storage) => open(bindingOf.get(closed)), dump };
storageContract('Cloudflare D1 (workerd)', subject);
identityContract('Cloudflare D1 (workerd)', subject);

describe('D1', () => {
  it('refuses a database without the schema, and says how to apply it', async () => {
    await expect(openD1Storage(proxy.env[`DB${databases - 1}`]!)).rejects.toThrow(/wrangler d1 migrations apply/);
  });
});
