import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { newEvent, storageContract } from '../contract.ts';
import { identityContract } from '../identity-contract.ts';
import { importContract } from '../import-contract.ts';
import { analyticsContract } from '../analytics-contract.ts';
import { webhookContract } from '../webhook-contract.ts';
import type { Storage } from '../port.ts';
import { openSqliteStorage } from './index.ts';
import { migrations } from '../migrations.ts';

const folder = mkdtempSync(join(tmpdir(), 'journey-sqlite-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
const paths = new WeakMap<Storage, string>();
async function open(path = join(folder, `contract-${++files}.db`)) {
  const storage = await openSqliteStorage(path);
  paths.set(storage, path);
  return storage;
}

/** Every row of every table, read through a second connection. */
function dump(storage: Storage): Promise<string> {
  const raw = new DatabaseSync(paths.get(storage)!, { readOnly: true });
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => String(row.name));
  const rows = tables.map((table) => [table, raw.prepare(`SELECT * FROM "${table}"`).all()]);
  raw.close();
  return Promise.resolve(JSON.stringify(rows));
}

const subject = { open: () => open(), reopen: (closed: Storage) => open(paths.get(closed)), dump };
storageContract('SQLite file (node:sqlite)', subject);
identityContract('SQLite file (node:sqlite)', subject);
importContract('SQLite file (node:sqlite)', subject);
analyticsContract('SQLite file (node:sqlite)', subject);
webhookContract('SQLite file (node:sqlite)', subject);

describe('SQLite file', () => {
  it('runs in WAL mode and records its migrations', async () => {
    const path = join(folder, 'pragmas.db');
    const storage = await open(path);
    await storage.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    const applied = raw.prepare('SELECT name FROM journey_migrations ORDER BY name').all().map((row) => row.name);
    expect(applied).toEqual(Object.keys(migrations('sqlite')));
    raw.close();
  });
});

describe('SQLite file, closing', () => {
  it('checkpoints on close, leaving no WAL behind, with every event in the database file', async () => {
    const path = join(folder, 'close.db');
    const storage = await open(path);
    await storage.appendEvents(Array.from({ length: 50 }, () => newEvent()));
    await storage.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const raw = new DatabaseSync(path, { readOnly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 50 });
    raw.close();
  });
});
