/**
 * `event` and `batchEnvelope` are compiled (z.compile): a generated function answers for valid
 * input and zod's walk for the rest. These tests hold the two to the same answers, since a wrong
 * "valid" from the generated function would be stored as it came.
 */
import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { batchEnvelope, event } from './index.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 300);

/** Mostly what a valid event holds; now and then what it must not. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const odd = fc.oneof(
  fc.constantFrom('', ' ', 'null', ' Undefined ', 'anonymous', '2026-01-02', 'x'.repeat(300), 7, null, true, [], {}),
  fc.jsonValue({ maxDepth: 7 }),
  fc.constant(undefined),
);
const text = mostly(fc.string({ minLength: 1, maxLength: 12 }).map((value) => `v${value}`), odd);
const time = mostly(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()), odd);
const free = mostly(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), fc.oneof(odd, fc.constant({ ['__proto__']: 1 })));

/** Events near the valid ones: every field sometimes missing, sometimes something else entirely. */
const candidate = fc.record(
  {
    type: mostly(fc.constantFrom('page', 'track', 'identify', 'group', 'alias'), fc.constantFrom('screen', 'Page', '')),
    messageId: mostly(fc.uuid(), odd),
    anonymousId: text,
    userId: text,
    groupId: text,
    previousId: text,
    event: text,
    name: text,
    timestamp: time,
    originalTimestamp: time,
    properties: free,
    traits: free,
    context: mostly(
      fc.record(
        {
          page: fc.record({ url: text, path: text, title: text, extra: text }, { requiredKeys: [] }),
          campaign: fc.record({ source: text, medium: text }, { requiredKeys: [] }),
          screen: fc.record({ width: mostly(fc.nat(5000), fc.double()), height: fc.nat(5000) }, { requiredKeys: [] }),
          library: fc.record({ name: text, version: text }, { requiredKeys: [] }),
          groupId: text,
          app: free,
        },
        { requiredKeys: [] },
      ),
      odd,
    ),
    _metadata: free,
  },
  { requiredKeys: ['type', 'messageId'] },
);

/** What a parse says: valid with its data, or the issues, as a caller sees them. */
const answer = (result: z.ZodSafeParseResult<unknown>) =>
  result.success ? { data: result.data } : { issues: result.error.issues.map(({ path, message, code }) => ({ path, message, code })) };

/** The compiled schema's answer and the walk's agree on every input; both kinds of answer occur. */
async function expectSameAnswers(schema: z.ZodType, inputs: fc.Arbitrary<unknown>): Promise<void> {
  let valid = 0;
  await fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      const compiled = answer(schema.safeParse(input));
      if ('data' in compiled) valid += 1;
      expect(compiled).toEqual(answer(await schema.safeParseAsync(input)));
    }),
    { numRuns: runs },
  );
  // The property says little unless both answers occur.
  expect(valid).toBeGreaterThan(runs / 20);
  expect(valid).toBeLessThan(runs);
}

describe('compiled wire schemas', () => {
  it('compile: a zod upgrade that could not compile them would quietly make validation 4–5× slower', () => {
    expect(() => z.compile(event, { strict: true })).not.toThrow();
    expect(() => z.compile(batchEnvelope, { strict: true })).not.toThrow();
  });

  it('answer every event as zod’s walk does (safeParseAsync never takes the compiled path)', async () => {
    await expectSameAnswers(event, candidate);
  });

  it('answer every batch envelope as zod’s walk does', async () => {
    const envelope = fc.record(
      {
        batch: mostly(fc.array(fc.constant({}), { maxLength: 3 }), odd),
        sentAt: time,
        writeKey: text,
        context: mostly(fc.record({ page: fc.record({ url: text }), locale: text }, { requiredKeys: [] }), odd),
        extra: odd,
      },
      { requiredKeys: ['batch'] },
    );
    await expectSameAnswers(batchEnvelope, envelope);
  });
});
