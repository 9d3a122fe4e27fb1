import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { walSync } from './wal-sync.ts';
import { isSqliteUnavailable } from './driver.ts';

const folder = mkdtempSync(join(tmpdir(), 'journey-wal-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function walDatabase(name: string) {
  const path = join(folder, name);
  const database = new DatabaseSync(path);
  database.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)');
  return { path, database };
}

describe('walSync', () => {
  it('makes a caller that arrives during an fsync wait for the next one', async () => {
    const { path, database } = walDatabase('order.db');
    const wal = walSync(path);
    const order: string[] = [];
    const first = wal.durable().then(() => order.push('first'));
    const second = wal.durable().then(() => order.push('second'));
    const third = wal.durable().then(() => order.push('third'));
    await Promise.all([first, second, third]);
    expect(order[0]).toBe('first');
    expect(order.slice(1).sort()).toEqual(['second', 'third']);
    await wal.close();
    database.close();
  });

  it('fails as "unavailable" when the WAL file is missing', async () => {
    const wal = walSync(join(folder, 'missing.db'));
    const error = await wal.durable().catch((caught: unknown) => caught);
    expect(isSqliteUnavailable(error)).toBe(true);
    await wal.close().catch(() => {});
  });
});
