import { ApiError } from '../http/errors.ts';
import type { ImportOutcome, OfflineTouchpoint } from './offline-touchpoint.ts';
import { recordFields } from './fields.ts';
import { importLimits, readRecords, type ImportFormat } from './records.ts';
import { touchpointRow } from './row.ts';

export { importFormat, importLimits, type ImportFormat } from './records.ts';

export type RejectedRow = Extract<ImportOutcome, { status: 'rejected' }>;

export interface ParsedImport {
  /** Rows ready to store, standardised, in file order. */
  rows: Array<{ row: number; touchpoint: OfflineTouchpoint }>;
  /** Rows that cannot be stored, each with every problem found in it. */
  rejected: RejectedRow[];
}

export interface ParseOptions {
  /** The collector's clock: a touchpoint more than a day after it is refused. */
  now?: number;
}

/**
 * An uploaded file (POST /v1/import, or `journey import`) as touchpoints: each row standardised
 * and checked on its own, so one bad row is reported with its row number and never stops the
 * others. Only a file that cannot be read at all, or is over `importLimits`, throws an ApiError
 * (400, 413), which the app's error handler answers as such.
 */
export function parseImport(text: string, format: ImportFormat, { now = Date.now() }: ParseOptions = {}): ParsedImport {
  // Characters never outnumber UTF-8 bytes, so a long text is refused before it is encoded.
  if (text.length > importLimits.bytes || new TextEncoder().encode(text).byteLength > importLimits.bytes) {
    throw new ApiError(413, 'too_large', `The file is larger than ${importLimits.bytes / 1024 / 1024} MB; one request takes at most that (journey import splits larger files)`);
  }
  const check = touchpointRow(now);
  const parsed: ParsedImport = { rows: [], rejected: [] };
  for (const record of readRecords(text, format)) {
    if ('error' in record) {
      parsed.rejected.push({ row: record.row, status: 'rejected', errors: [record.error] });
      continue;
    }
    const result = check(recordFields(record.entries));
    if (result.ok) parsed.rows.push({ row: record.row, touchpoint: result.touchpoint });
    else parsed.rejected.push({ row: record.row, status: 'rejected', errors: result.errors });
  }
  return parsed;
}
