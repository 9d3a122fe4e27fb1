/**
 * Property-based tests of ingestion (fast-check): whatever a client sends, the collector answers
 * without a 5xx, stores exactly the events it accepted, each as it was sent, and keeps no trace of
 * what it refused. Each run gets a collector of its own (a real SQLite file), so runs cannot see
 * each other's events. A failure prints the seed and the shrunk payload that caused it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testCollector, type TestCollector } from '../testing/collector.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 40);

const json = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('', ' ', 'undefined', 'null', '💥', "'; DROP TABLE events; --", '<script>alert(1)</script>'));
const properties = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), json, { maxKeys: 5 });

/** A plausible event, of any type, sometimes with a field set to anything at all. */
const event = fc
  .record(
    {
      type: fc.constantFrom('track', 'page', 'identify', 'group', 'alias', 'screen', 'Track', ''),
      messageId: fc.uuid(),
      anonymousId: text,
      userId: text,
      event: text,
      name: text,
      groupId: text,
      previousId: text,
      timestamp: fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()), text),
      properties,
      traits: properties,
      context: fc.record({ page: fc.record({ path: text, url: text, title: text }, { requiredKeys: [] }), campaign: fc.record({ source: text, medium: text }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['type', 'messageId'] },
  )
  .chain((base) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(base as Record<string, unknown>) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(base), 'extra'), json).map(([key, value]) => ({ ...base, [key]: value }) as Record<string, unknown>) },
    ),
  );

const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, any>;

async function stored(collector: TestCollector) {
  return collector.events();
}

describe('ingestion under random input', () => {
  it('answers any JSON body without a 5xx, and stores nothing from a refused request', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(json, fc.record({ batch: json }), fc.record({ batch: fc.array(json, { maxLength: 5 }) })), async (body) => {
        const collector = await testCollector();
        const response = await collector.post('/v1/batch', body);
        expect(response.status).toBeLessThan(500);
        const answer = await response.json();
        if (response.status !== 200) expect(await stored(collector)).toEqual([]);
        else expect((await stored(collector)).length).toBe(answer.accepted);
      }),
      { numRuns: runs },
    );
  });

  it('answers any bytes, with any content type, without a 5xx', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes))), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''), async (body, type) => {
        const collector = await testCollector();
        for (const path of ['/v1/batch', '/v1/track', '/v1/identify']) {
          const response = await collector.post(path, body, { headers: type ? { 'Content-Type': type } : {} });
          expect(response.status, path).toBeLessThan(500);
        }
        expect(await stored(collector)).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  it('stores exactly the events it accepts from a mixed batch, each as it was sent', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(event, { maxLength: 8, selector: (candidate) => String(candidate['messageId']) }), async (batch) => {
        const collector = await testCollector();
        const response = await collector.post('/v1/batch', { batch });
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) return void expect(await stored(collector)).toEqual([]);
        const answer = await response.json();
        const refused = new Set<number>(answer.rejected.map((entry: { index: number }) => entry.index));
        const kept = batch.filter((_, index) => !refused.has(index)).map(wire);
        const events = await stored(collector);
        expect(events.map((entry) => entry['messageId'])).toEqual(kept.map((entry) => entry['messageId']));
        expect(answer.accepted).toBe(kept.length);
        for (const [index, sent] of kept.entries()) {
          const back = events[index]!;
          // Every field sent, those the Spec names for the type and any other (kept as sent).
          for (const field of Object.keys(sent).filter((key) => !['timestamp', 'context'].includes(key))) {
            if (sent[field] !== undefined) expect(back[field], `${field} of ${sent['messageId']}`).toEqual(sent[field]);
          }
        }
      }),
      { numRuns: runs },
    );
  });
});
