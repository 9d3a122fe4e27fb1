/**
 * Property-based tests of the import (fast-check): whatever rows a file holds, as JSON, NDJSON or
 * CSV, the collector answers without a 5xx, accounts for every row (imported, duplicate or
 * rejected with its reason), imports each touchpoint once, and a second import of the same file
 * changes nothing.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { secretKey, testCollector } from '../testing/collector.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 40);

const text = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('', ' ', 'webinar', 'Sales Call', 'closed_won', "=HYPERLINK(\"x\")", '"quoted, with comma"', 'ünïcödé 購入', '\n'));
const when = fc.oneof(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()), fc.integer(), text);
const row = fc.record(
  {
    source: fc.oneof(fc.constantFrom('salesforce', 'zoom', 'hubspot'), text),
    externalId: fc.oneof(fc.uuid(), text),
    type: text,
    occurredAt: when,
    email: fc.oneof(fc.emailAddress(), text),
    userId: text,
    accountId: text,
    domain: fc.oneof(fc.domain(), text),
    properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const formats = {
  json: { type: 'application/json', body: (rows: Array<Record<string, unknown>>) => JSON.stringify(rows) },
  ndjson: { type: 'application/x-ndjson', body: (rows: Array<Record<string, unknown>>) => rows.map((entry) => JSON.stringify(entry)).join('\n') },
  csv: {
    type: 'text/csv',
    body: (rows: Array<Record<string, unknown>>) => Papa.unparse(rows.map(({ properties: _, ...entry }) => entry), { columns: ['source', 'externalId', 'type', 'occurredAt', 'email', 'userId', 'accountId', 'domain'] }),
  },
};

describe('the import under random rows', () => {
  it('accounts for every row without a 5xx, imports each once, and a second import changes nothing', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.constantFrom(...(Object.keys(formats) as Array<keyof typeof formats>)), async (rows, format) => {
        const { app } = await testCollector();
        const upload = () => app.request('/v1/import', { method: 'POST', body: formats[format].body(rows), headers: { 'Content-Type': formats[format].type, Authorization: `Bearer ${secretKey}` } });
        const first = await upload();
        expect(first.status).toBeLessThan(500);
        if (first.status !== 200) return;
        const answer = await first.json();
        expect(answer.imported + answer.duplicates + answer.rejected).toBe(answer.outcomes.length);
        for (const outcome of answer.outcomes) if (outcome.status === 'rejected') expect(outcome.errors.length).toBeGreaterThan(0);
        const ids = answer.outcomes.filter((outcome: any) => outcome.status === 'imported').map((outcome: any) => outcome.id);
        expect(new Set(ids).size).toBe(ids.length);

        // The same file again changes nothing: what was imported is now a duplicate of itself.
        const again = await (await upload()).json();
        expect(again).toMatchObject({ imported: 0, duplicates: answer.imported + answer.duplicates, rejected: answer.rejected });
      }),
      { numRuns: runs },
    );
  });
});
