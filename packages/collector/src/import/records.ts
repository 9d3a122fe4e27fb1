import { ApiError } from '../http/errors.ts';
import { readCsv } from './csv.ts';

export type ImportFormat = 'json' | 'ndjson' | 'csv';

/**
 * What one import request may hold. A CRM export of a year is larger: the CLI splits it into
 * requests of this size, so the collector never holds more than one of them in memory.
 */
export const importLimits = {
  rows: 10_000,
  bytes: 5 * 1024 * 1024,
} as const;

/** One record of the file, as its field names and values, or what makes it unreadable. */
export type ImportRecord =
  | { row: number; entries: Array<[name: string, value: unknown]> }
  | { row: number; error: { field: string; message: string } };

const mediaTypes: Record<string, ImportFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

/** The format a Content-Type header names; 415 for anything else. */
export function importFormat(contentType: string | null | undefined): ImportFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const format = mediaTypes[type];
  if (format) return format;
  throw new ApiError(415, 'unsupported_media_type', `Send touchpoints as application/json, application/x-ndjson or text/csv, not ${type || 'a body without a Content-Type'}`);
}

/**
 * The records of an uploaded file. Whole-file problems (not JSON at all, too many rows) are thrown
 * as ApiErrors; a record that cannot be read is returned with its error, so the rest still land.
 */
export function readRecords(text: string, format: ImportFormat): ImportRecord[] {
  const records = format === 'csv' ? readCsv(text) : format === 'ndjson' ? readNdjson(text) : readJson(text);
  if (records.length > importLimits.rows) {
    throw new ApiError(413, 'too_many_rows', `The file has ${records.length} rows; one request takes at most ${importLimits.rows} (journey import splits larger files)`);
  }
  return records;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const notAnObject = (row: number): ImportRecord => ({ row, error: { field: 'row', message: 'expected an object with the touchpoint’s fields' } });

/** An array of touchpoints, or `{ "touchpoints": [ … ] }`; row N is the Nth item. */
function readJson(text: string): ImportRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.touchpoints) ? body.touchpoints : undefined;
  if (!items) throw new ApiError(400, 'invalid_import', 'Send a JSON array of touchpoints, or { "touchpoints": [ … ] }');
  return items.map((item: unknown, index) => (isObject(item) ? { row: index + 1, entries: Object.entries(item) } : notAnObject(index + 1)));
}

/** One touchpoint per line; row N is line N, so an editor finds it. Blank lines are skipped. */
function readNdjson(text: string): ImportRecord[] {
  const records: ImportRecord[] = [];
  for (const [index, line] of text.replace(/^\uFEFF/, '').split('\n').entries()) {
    if (line.trim() === '') continue;
    const row = index + 1;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (error) {
      records.push({ row, error: { field: 'row', message: `not valid JSON: ${(error as Error).message}` } });
      continue;
    }
    records.push(isObject(item) ? { row, entries: Object.entries(item) } : notAnObject(row));
  }
  return records;
}
