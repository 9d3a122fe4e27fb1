import * as z from 'zod';
import { ImportFailure } from './failure.ts';

/**
 * The collector's answer to POST /v1/import: counts, and one outcome per row of the posted body
 * (packages/collector/src/import/offline-touchpoint.ts, ImportOutcome). Checked, since a proxy or
 * an older collector can answer anything.
 */
const importAnswer = z.object({
  imported: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  rejected: z.number().int().min(0),
  outcomes: z.array(
    z.discriminatedUnion('status', [
      z.object({ row: z.number().int(), status: z.literal('imported'), id: z.string() }),
      z.object({ row: z.number().int(), status: z.literal('duplicate'), id: z.string(), reason: z.string() }),
      z.object({ row: z.number().int(), status: z.literal('rejected'), errors: z.array(z.object({ field: z.string(), message: z.string() })) }),
    ]),
  ),
});
export type ImportAnswer = z.infer<typeof importAnswer>;
export type RowOutcome = ImportAnswer['outcomes'][number];

export interface CollectorTarget {
  /** The collector's base URL: `http://localhost:8787`. */
  url: URL;
  secretKey: string;
}

/** Posts one body; an answer other than 200 with the documented shape is an ImportFailure. */
export async function postImport(target: CollectorTarget, contentType: string, body: string): Promise<ImportAnswer> {
  const endpoint = new URL('v1/import', target.url.href.endsWith('/') ? target.url : `${target.url.href}/`);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.secretKey}`, 'content-type': contentType },
      body,
    });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ImportFailure(`Could not reach the collector at ${target.url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  if (response.status === 401) {
    throw new ImportFailure(`The collector at ${target.url.origin} refused the secret key (401): check --key or JOURNEY_SECRET_KEY`);
  }
  if (response.status === 404) {
    throw new ImportFailure(`The collector at ${target.url.origin} has no POST /v1/import (404): is the URL a Journey collector, and a recent one?`);
  }
  if (!response.ok) {
    throw new ImportFailure(`The collector answered ${response.status}: ${errorMessage(text)}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new ImportFailure(`The collector answered 200 with something that is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = importAnswer.safeParse(answer);
  if (!parsed.success) throw new ImportFailure(`The collector's answer is not an import result: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** The message of the collector's `{ error: { code, message } }`, or the start of whatever came. */
function errorMessage(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (error?.message) return `${error.message}${error.code ? ` (${error.code})` : ''}`;
  } catch {
    // Not the collector's error shape: show what came.
  }
  return text.slice(0, 200) || '(an empty body)';
}
