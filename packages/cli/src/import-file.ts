import Papa from 'papaparse';
import { ImportFailure } from './failure.ts';

export type FileFormat = 'csv' | 'json' | 'ndjson';

/** The Content-Type the collector reads each format by. */
export const contentTypes: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

const extensions: Record<string, FileFormat> = { csv: 'csv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson' };

/** A file's format from its name, when --format does not say. */
export function formatOf(path: string): FileFormat | undefined {
  return extensions[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
}

/** A record of the file, as it will be posted, and its row number as the collector counts them. */
export interface FileRow {
  row: number;
  text: string;
}

/**
 * A file cut into its records, each kept as the text it had, so the collector reads every batch
 * exactly as it would have read the whole file. `header` is the CSV header (with its line end),
 * sent again before every batch.
 */
export interface ImportFile {
  format: FileFormat;
  header: string;
  rows: FileRow[];
}

/**
 * Row numbers follow the collector's rules (packages/collector/src/import/records.ts): a JSON
 * item's position, an NDJSON line's number, a CSV record's position after the header with blank
 * records counted. Blank records are not sent: the collector would skip them anyway.
 */
export function readImportFile(text: string, format: FileFormat): ImportFile {
  const body = text.replace(/^\uFEFF/, '');
  if (format === 'csv') return readCsv(body);
  if (format === 'ndjson') return readNdjson(body);
  return readJson(body);
}

function readJson(text: string): ImportFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportFailure(`The file is not valid JSON: ${(error as Error).message}`);
  }
  const items =
    Array.isArray(parsed) ? parsed
    : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { touchpoints?: unknown }).touchpoints) ? (parsed as { touchpoints: unknown[] }).touchpoints
    : undefined;
  if (!items) throw new ImportFailure('The JSON file must hold an array of touchpoints, or { "touchpoints": [ … ] }');
  return { format: 'json', header: '', rows: items.map((item, index) => ({ row: index + 1, text: JSON.stringify(item) ?? 'null' })) };
}

function readNdjson(text: string): ImportFile {
  const rows: FileRow[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() !== '') rows.push({ row: index + 1, text: line.replace(/\r$/, '') });
  }
  return { format: 'ndjson', header: '', rows };
}

/**
 * Papaparse, the parser the collector uses, finds where each record ends (its cursor), so a
 * quoted value holding line breaks is never cut between two batches.
 */
function readCsv(text: string): ImportFile {
  const records: Array<{ text: string; blank: boolean }> = [];
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter: ',',
    skipEmptyLines: false,
    step: ({ data, meta }) => {
      records.push({ text: text.slice(start, meta.cursor), blank: data.every((value) => value.trim() === '') });
      start = meta.cursor;
    },
  });
  const headerAt = records.findIndex((record) => !record.blank);
  if (headerAt < 0) return { format: 'csv', header: '', rows: [] };
  const lineEnd = /\r?\n$/.exec(records[headerAt]!.text)?.[0] ?? '\n';
  const withLineEnd = (record: string) => (/[\r\n]$/.test(record) ? record : record + lineEnd);

  const rows: FileRow[] = [];
  for (let index = headerAt + 1; index < records.length; index++) {
    const record = records[index]!;
    if (!record.blank) rows.push({ row: index - headerAt, text: withLineEnd(record.text) });
  }
  return { format: 'csv', header: withLineEnd(records[headerAt]!.text), rows };
}
