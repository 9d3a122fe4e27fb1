/**
 * CSV for spreadsheets and warehouses: RFC 4180 quoting by papaparse, and a cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab or return first) is prefixed with a quote,
 * as OWASP advises against CSV injection: exported values came from anyone's browser.
 */
import Papa from 'papaparse';

const formula = /^[=+\-@\t\r]/;

export const csvCell = (value: string | number | null | undefined): string | number =>
  value === null || value === undefined ? '' : typeof value === 'number' ? value : formula.test(value) ? `'${value}` : value;

/** One CSV line (with its line break) for these cells. */
export const csvLine = (cells: Array<string | number | null | undefined>): string => `${Papa.unparse([cells.map(csvCell)], { newline: '\r\n' })}\r\n`;
