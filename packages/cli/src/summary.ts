/** What an import did, by the file's row numbers. */
export interface ImportSummary {
  file: string;
  /** Rows sent or meant to be sent (blank ones not counted). */
  total: number;
  imported: number;
  duplicates: number;
  rejected: number;
  /** The rejected rows the collector explained, in any order. */
  rejections: Array<{ row: number; errors: Array<{ field: string; message: string }> }>;
  seconds: number;
}

/** Enough rejected rows to see what is wrong with the file, not a screen full of the same error. */
export const listedRejections = 20;

const count = (value: number) => value.toLocaleString('en-US');

/** The closing report: the counts, then the first rejected rows with every error of each. */
export function formatSummary(summary: ImportSummary): string {
  const { rejected } = summary;
  const width = Math.max(...[summary.imported, summary.duplicates, rejected].map((value) => count(value).length));
  const line = (label: string, value: number) => `  ${label.padEnd(11)}${count(value).padStart(width)}\n`;
  let text = `${summary.file}: ${count(summary.total)} rows in ${summary.seconds.toFixed(1)} s\n`;
  text += line('imported', summary.imported) + line('duplicates', summary.duplicates) + line('rejected', rejected);
  if (summary.rejections.length) {
    const sorted = [...summary.rejections].sort((a, b) => a.row - b.row);
    const listed = Math.min(listedRejections, sorted.length);
    text += listed < rejected ? `\nRejected rows (the first ${listed} of ${count(rejected)}):\n` : '\nRejected rows:\n';
    for (const { row, errors } of sorted.slice(0, listedRejections)) {
      text += `  row ${row}: ${errors.map(({ field, message }) => `${field}: ${message}`).join('; ')}\n`;
    }
  }
  return text;
}
