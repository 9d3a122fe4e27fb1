import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'journey-generator-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI', () => {
  it('writes events as NDJSON, offline touchpoints as CSV beside them, and the truth as JSON', () => {
    const out = join(dir, 'events.ndjson');
    const result = run('--seed', '3', '--people', '150', '--out', out, '--truth', join(dir, 'truth.json'));
    expect(result.status, result.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    expect(lines.length).toBe(truth.totals.events);
    expect(truth.people).toHaveLength(150);
    expect(JSON.parse(lines[0]!).messageId).toBeTruthy();
    const csv = readFileSync(join(dir, 'events.touchpoints.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/^source,externalId,type,occurredAt,email,userId,accountId,domain/);
    expect(csv.filter(Boolean).length - 1).toBe(truth.totals.offlineTouchpoints);
    expect(result.stderr).toMatch(new RegExp(`^${truth.totals.events} events, 150 people`));

    const again = join(dir, 'again.ndjson');
    expect(run('--seed', '3', '--people', '150', '--out', again).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('writes to standard output without --out', () => {
    const result = run('--seed', '3', '--people', '5', '--no-late-delivery');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').every((line) => JSON.parse(line).type)).toBe(true);
  });

  it('says what is wrong with its options', () => {
    const result = run('--people', '10', '--accounts', '20');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/accounts cannot outnumber people/);
    expect(result.stderr).toMatch(/Usage:/);
  });
});
