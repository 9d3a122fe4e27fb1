import type { ImportFile } from './import-file.ts';

/**
 * What one POST /v1/import takes: the collector's `importLimits`
 * (packages/collector/src/import/records.ts); batches.test.ts holds the two equal.
 */
export const requestLimits = {
  rows: 10_000,
  bytes: 5 * 1024 * 1024,
} as const;

/** One request's body, and the file's row number of each of its rows (body row N is `rows[N - 1]`). */
export interface Batch {
  body: string;
  rows: number[];
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** What goes around and between the rows of a body, per format. */
function framing(file: ImportFile): { open: string; separator: string; close: string } {
  if (file.format === 'json') return { open: '[', separator: ',', close: ']' };
  if (file.format === 'ndjson') return { open: '', separator: '\n', close: '\n' };
  return { open: file.header, separator: '', close: '' };
}

/**
 * The file's rows in bodies of at most `size` rows and `requestLimits.bytes` bytes, in file
 * order, built one at a time so a large file is never held twice. A row that alone is over the
 * byte limit cannot be sent: it is handed to `tooLarge` instead.
 */
export function* batches(file: ImportFile, size: number, tooLarge: (row: number) => void): Generator<Batch> {
  const { open, separator, close } = framing(file);
  const fixed = byteLength(open) + byteLength(close);
  let texts: string[] = [];
  let rows: number[] = [];
  let bytes = fixed;
  const flush = (): Batch => {
    const batch = { body: open + texts.join(separator) + close, rows };
    texts = [];
    rows = [];
    bytes = fixed;
    return batch;
  };

  for (const { row, text } of file.rows) {
    const added = byteLength(text) + (texts.length ? byteLength(separator) : 0);
    if (fixed + byteLength(text) > requestLimits.bytes) {
      tooLarge(row);
      continue;
    }
    if (texts.length && (texts.length >= size || bytes + added > requestLimits.bytes)) yield flush();
    bytes += texts.length ? added : byteLength(text);
    texts.push(text);
    rows.push(row);
  }
  if (texts.length) yield flush();
}
