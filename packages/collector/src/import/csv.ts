import Papa from 'papaparse';
import type { ImportRecord } from './records.ts';

/**
 * What went wrong in a record that papaparse could still cut out of the text, in the user's words.
 * An unclosed quote is the one to spell out: every line after it lands in that record's last field.
 */
const csvProblems: Record<Papa.ParseError['code'], string> = {
  MissingQuotes: 'a quoted value is never closed, so the rest of the file was read into this row',
  InvalidQuotes: 'a quoted value has text after its closing quote',
  TooFewFields: 'has fewer values than the header',
  TooManyFields: 'has more values than the header',
  UndetectableDelimiter: 'no comma was found',
};

/**
 * The records of a CSV file (RFC 4180: a header row, quoted values holding commas, quotes and line
 * breaks, CRLF or LF, with or without a byte order mark or a final line break). Row N is the Nth
 * record after the header, blank ones counted but not returned, so it is the spreadsheet's row
 * N + 1. Papaparse does the cutting: it has no Node built-ins in the code Workers bundle, and its
 * quote handling has met far more exports than a hand-written loop would.
 */
export function readCsv(text: string): ImportRecord[] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',', skipEmptyLines: false });
  const problems = new Map<number, string>();
  for (const error of parsed.errors) {
    if (error.row !== undefined && !problems.has(error.row)) problems.set(error.row, csvProblems[error.code] ?? error.message);
  }
  const headerAt = parsed.data.findIndex((fields) => !isBlank(fields));
  if (headerAt < 0) return [];
  const header = parsed.data[headerAt]!.map((name) => name.trim());

  const records: ImportRecord[] = [];
  for (let index = headerAt + 1; index < parsed.data.length; index++) {
    const row = index - headerAt;
    const fields = parsed.data[index]!;
    const problem = problems.get(index);
    if (problem) records.push({ row, error: { field: 'row', message: problem } });
    else if (!isBlank(fields)) records.push(csvRecord(row, header, fields));
  }
  return records;
}

// Spreadsheets export an empty row as a line of commas.
const isBlank = (fields: readonly string[]) => fields.every((value) => value.trim() === '');

function csvRecord(row: number, header: readonly string[], fields: readonly string[]): ImportRecord {
  const entries: Array<[string, string]> = [];
  for (const [index, value] of fields.entries()) {
    const name = header[index];
    if (value.trim() === '') continue;
    // A value beyond the header is most often an unquoted comma that shifted every value after
    // it one column right: storing the row would put them all in the wrong fields.
    if (name === undefined) {
      return { row, error: { field: 'row', message: `has ${fields.length} values, but the header names ${header.length} columns` } };
    }
    if (name === '') return { row, error: { field: 'row', message: `has a value in column ${index + 1}, which has no name in the header` } };
    entries.push([name, value]);
  }
  return { row, entries };
}
