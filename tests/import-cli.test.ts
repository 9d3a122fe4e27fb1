import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, startCollector, stopCollector, tempDir, type CollectorProcess } from './support.ts';

const run = promisify(execFile);
const secretKey = 'sk_import_0123456789abcdef';

describe('journey import, against the real collector', () => {
  const data = tempDir('import');
  let collector: CollectorProcess;
  beforeAll(async () => {
    collector = await startCollector({ JOURNEY_DB: join(data.path, 'journey.db'), JOURNEY_WRITE_KEYS: 'wk_import_0123456789', JOURNEY_SECRET_KEY: secretKey });
  });
  afterAll(async () => {
    await stopCollector(collector);
    data.remove();
  });

  it('imports a CSV in batches with progress, reports the bad rows by their line, and a second run changes nothing', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `crm,c-${i},Sales Call,2026-02-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z,person${i}@acme.com,"Notes, with a comma"`);
    rows[6] = 'crm,c-6,Sales Call,someday,person6@acme.com,';
    const file = join(data.path, 'calls.csv');
    writeFileSync(file, ['source,external_id,type,occurred_at,email,notes', ...rows].join('\n') + '\n');
    const cli = (args: string[]) =>
      run(process.execPath, ['packages/cli/src/cli.ts', 'import', file, '--url', collector.url, '--batch', '10', ...args], { cwd: root, env: { ...process.env, JOURNEY_SECRET_KEY: secretKey } }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );

    const first = await cli([]);
    expect(first.code).toBe(1); // some rows rejected
    expect(first.stderr).toMatch(/10\/25/); // progress, batch by batch
    expect(first.stderr).toMatch(/25\/25/);
    expect(first.stdout).toMatch(/imported\s+24\b/);
    expect(first.stdout).toMatch(/rejected\s+1\b/);
    expect(first.stdout).toMatch(/row 7: occurredAt: "someday" is not a time/);

    const again = await cli([]);
    expect(again.stdout).toMatch(/imported\s+0\b/);
    expect(again.stdout).toMatch(/duplicates\s+24\b/);

    // Once the site knows person3, the CRM's call is on their journey.
    await fetch(`${collector.url}/v1/identify`, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa('wk_import_0123456789:')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId: 'id-3', anonymousId: 'device-3', userId: 'u-3', traits: { email: 'person3@acme.com' } }),
    });
    const journey = await (await fetch(`${collector.url}/v1/persons/u-3/journey`, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    expect(journey.touchpoints).toMatchObject([{ id: 'crm:c-3', kind: 'offline', name: 'sales_call', channel: 'Offline', properties: { notes: 'Notes, with a comma' } }]);
  });
});
