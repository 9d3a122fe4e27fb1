import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCollectorStandIn, type CollectorStandIn } from './collector-stand-in.ts';
import { run } from './journey.ts';

const secretKey = 'sk_test_0123456789abcdef';
const folder = mkdtempSync(join(tmpdir(), 'journey-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let file = 0;
const writeFile = (extension: string, text: string) => {
  const path = join(folder, `touchpoints-${++file}.${extension}`);
  writeFileSync(path, text);
  return path;
};

/** Runs `journey …` in-process, as a pipe would see it: stderr is not a terminal. */
async function journey(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

let running: CollectorStandIn | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});
const start = async (options: Partial<Parameters<typeof startCollectorStandIn>[0]> = {}) => {
  const started = await startCollectorStandIn({ secretKey, ...options });
  running = started;
  return started;
};
const importArgs = (path: string, ...more: string[]) => ['import', path, '--url', running!.url, '--key', secretKey, ...more];

const header = 'source,externalId,type,occurredAt,email,notes';
// Row 2 is bad; row 3 spans three lines; row 5 is blank; row 6 is bad twice over.
const csv = [
  header,
  'crm,c-1,demo,2026-11-01,ann@initech.com,',
  'crm,c-2,demo,2026-11-01,ann(at)initech.com,',
  'crm,c-3,webinar,2026-11-02,bob@initech.com,"asked about SSO,',
  'then ""pricing""',
  'then left"',
  'crm,c-4,meeting,2026-11-03,carol@initech.com,',
  '',
  'crm,c-6,demo,someday,nobody,',
  'crm,c-7,closed_won,2026-11-04,dan@initech.com,',
].join('\r\n');

describe('journey import', () => {
  it('sends a CSV in batches, each with the header and whole records, and reports rows by their number in the file', async () => {
    const collector = await start();
    const { code, stdout, stderr } = await journey(importArgs(writeFile('csv', csv), '--batch', '2'));

    expect(collector.requests.map((request) => request.contentType)).toEqual(Array(3).fill('text/csv; charset=utf-8'));
    expect(collector.requests.map((request) => request.body)).toEqual([
      `${header}\r\ncrm,c-1,demo,2026-11-01,ann@initech.com,\r\ncrm,c-2,demo,2026-11-01,ann(at)initech.com,\r\n`,
      `${header}\r\ncrm,c-3,webinar,2026-11-02,bob@initech.com,"asked about SSO,\r\nthen ""pricing""\r\nthen left"\r\ncrm,c-4,meeting,2026-11-03,carol@initech.com,\r\n`,
      // The last record had no line break: the batch gets the file's own (CRLF).
      `${header}\r\ncrm,c-6,demo,someday,nobody,\r\ncrm,c-7,closed_won,2026-11-04,dan@initech.com,\r\n`,
    ]);
    expect(stdout).toContain('row 2: email: "ann(at)initech.com" is not a valid email\n');
    expect(stdout).toMatch(/row 6: occurredAt: "someday" is not a time[^;\n]*; email: "nobody" is not a valid email\n/);
    expect(stdout).toMatch(/imported +4\n {2}duplicates +0\n {2}rejected +2\n/);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^sent 2\/6 rows {2}33% {2}([\d,]+|–) rows\/s$/),
      expect.stringMatching(/^sent 4\/6 rows {2}66% {2}([\d,]+|–) rows\/s$/),
      expect.stringMatching(/^sent 6\/6 rows {2}100% {2}([\d,]+|–) rows\/s$/),
    ]);
    expect(code).toBe(1);
  });

  it('exits 0 when every row landed, and again when they are all already there', async () => {
    await start();
    const path = writeFile('ndjson', ['{"source":"zoom","externalId":"w-1","type":"webinar","occurredAt":"2026-11-01","userId":"u1"}', '{"source":"zoom","externalId":"w-2","type":"webinar","occurredAt":"2026-11-01","userId":"u2"}'].join('\n'));
    const first = await journey(importArgs(path));
    expect(first.stdout).toMatch(/imported +2\n {2}duplicates +0\n {2}rejected +0\n$/);
    expect(first.code).toBe(0);
    const again = await journey(importArgs(path));
    expect(again.stdout).toMatch(/imported +0\n {2}duplicates +2\n {2}rejected +0\n$/);
    expect(again.code).toBe(0);
  });

  it('numbers NDJSON rows by line across batches, blank lines included', async () => {
    const collector = await start();
    const line = (id: string, email: string) => JSON.stringify({ source: 'hubspot', externalId: id, type: 'email', occurredAt: '2026-11-01', email });
    const path = writeFile('ndjson', ['', line('e-1', 'ann@initech.com'), line('e-2', 'bob@initech.com'), '', line('e-3', 'bad'), 'not json', line('e-5', 'carol@initech.com')].join('\n') + '\n');
    const { code, stdout } = await journey(importArgs(path, '--batch', '2'));
    expect(collector.requests.map((request) => [request.contentType, request.body.split('\n').length - 1])).toEqual([
      ['application/x-ndjson', 2],
      ['application/x-ndjson', 2],
      ['application/x-ndjson', 1],
    ]);
    expect(stdout).toMatch(/\n {2}row 5: email: "bad" is not a valid email\n {2}row 6: row: not valid JSON[^\n]*\n$/);
    expect(code).toBe(1);
  });

  it('sends a JSON file as JSON arrays, numbering rows by their place in the file', async () => {
    const collector = await start();
    const item = (id: string) => ({ source: 'crm', externalId: id, type: 'demo', occurredAt: '2026-11-01', accountId: 'acct-1' });
    const path = writeFile('json', JSON.stringify({ touchpoints: [item('j-1'), item('j-2'), item('j-3'), 'oops', item('j-5')] }));
    const { code, stdout } = await journey(importArgs(path, '--batch', '3'));
    expect(collector.requests.map((request) => (JSON.parse(request.body) as unknown[]).length)).toEqual([3, 2]);
    expect(collector.requests[0]!.contentType).toBe('application/json');
    expect(stdout).toMatch(/ {2}row 4: row: expected an object/);
    expect(code).toBe(1);
  });

  it('lists only the first rejected rows of many, and counts them all', async () => {
    await start();
    const rows = Array.from({ length: 30 }, (_, index) => `crm,r-${index + 1},demo,2026-11-01,bad-${index + 1},`);
    const { stdout } = await journey(importArgs(writeFile('csv', [header, ...rows].join('\n')), '--batch', '7'));
    expect(stdout).toContain('Rejected rows (the first 20 of 30):\n');
    expect(stdout).toContain('  row 20: email: "bad-20" is not a valid email\n');
    expect(stdout).not.toContain('row 21:');
  });

  it('takes the URL and the key from JOURNEY_URL and JOURNEY_SECRET_KEY', async () => {
    const collector = await start();
    const { code } = await journey(['import', writeFile('csv', csv)], { JOURNEY_URL: collector.url, JOURNEY_SECRET_KEY: secretKey });
    expect(collector.requests[0]!.authorization).toBe(`Bearer ${secretKey}`);
    expect(code).toBe(1);
  });

  it('stops with exit code 2 and says so when the collector refuses the key', async () => {
    const collector = await start();
    const { code, stdout, stderr } = await journey(['import', writeFile('csv', csv), '--url', collector.url, '--key', 'sk_wrong_0123456789']);
    expect(stderr).toBe(`journey: The collector at ${collector.url} refused the secret key (401): check --key or JOURNEY_SECRET_KEY\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('stops with exit code 2 when the collector cannot be reached', async () => {
    const { url, close } = await startCollectorStandIn({ secretKey });
    await close();
    const { code, stderr } = await journey(['import', writeFile('csv', csv), '--url', url, '--key', secretKey]);
    expect(stderr).toBe(`journey: Could not reach the collector at ${url}: ECONNREFUSED\n`);
    expect(code).toBe(2);
  });

  it('says which rows landed when the collector fails mid-way', async () => {
    const collector = await start({ failRequest: (index) => (index === 1 ? 500 : undefined) });
    const { code, stderr } = await journey(importArgs(writeFile('csv', csv), '--batch', '2'));
    expect(stderr).toContain('journey: The collector answered 500: Something went wrong (internal)\nRows up to row 2 were imported;');
    expect(collector.requests).toHaveLength(2);
    expect(code).toBe(2);
  });

  it.each([
    [['import'], 'Which file?'],
    [['export', 'x.csv'], 'Unknown command "export"'],
    [['import', 'x.csv', '--urll', 'http://x'], "Unknown option '--urll'"],
    [['import', 'x.txt', '--key', secretKey], 'Cannot tell the format of x.txt from its name'],
    [['import', 'x.csv', '--key', secretKey, '--format', 'xlsx'], '--format must be csv, json or ndjson, not "xlsx"'],
    [['import', 'x.csv', '--key', secretKey, '--batch', '0'], '--batch must be a whole number from 1 to 10000, not "0"'],
    [['import', 'x.csv', '--key', secretKey, '--batch', '20000'], '--batch must be a whole number from 1 to 10000'],
    [['import', 'x.csv'], 'No secret key: set JOURNEY_SECRET_KEY or pass --key'],
    [['import', 'x.csv', '--key', secretKey, '--url', 'localhost:8787'], 'The collector\'s URL must be http or https, not localhost:'],
    [['import', join(folder, 'missing.csv'), '--key', secretKey], 'Cannot read'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await journey(args);
    expect(stderr).toContain(`journey: ${message}`);
    expect(code).toBe(2);
  });

  it('refuses a JSON file that is not an array of touchpoints before sending anything', async () => {
    const collector = await start();
    const { code, stderr } = await journey(importArgs(writeFile('json', '{"rows": []}')));
    expect(stderr).toContain('journey: The JSON file must hold an array of touchpoints');
    expect(collector.requests).toHaveLength(0);
    expect(code).toBe(2);
  });

  it('prints its usage for --help and exits 0', async () => {
    const { code, stdout } = await journey(['--help']);
    expect(stdout).toMatch(/^Usage: journey import <file> \[options\]\n/);
    expect(code).toBe(0);
  });
});

describe('the journey bin', () => {
  let standIn: CollectorStandIn;
  beforeAll(async () => {
    standIn = await startCollectorStandIn({ secretKey });
  });
  afterAll(() => standIn.close());

  it('runs as `node src/cli.ts` and exits with the import’s code', async () => {
    const path = writeFile('csv', csv);
    const child = spawn(process.execPath, [join(import.meta.dirname, 'cli.ts'), 'import', path, '--url', standIn.url], {
      env: { ...process.env, JOURNEY_SECRET_KEY: secretKey },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stdout).toMatch(new RegExp(`^${path}: 6 rows in \\d+\\.\\d s\n`));
    expect(stdout).toMatch(/imported +4\n {2}duplicates +0\n {2}rejected +2\n/);
    expect(code).toBe(1);
  });
});
