import { readFile } from 'node:fs/promises';
import { batches } from './batches.ts';
import { postImport, type CollectorTarget } from './collector-client.ts';
import { exitCodes, ImportFailure } from './failure.ts';
import { contentTypes, readImportFile, type FileFormat } from './import-file.ts';
import { progressBar, type ProgressStream } from './progress.ts';
import { formatSummary, listedRejections, type ImportSummary } from './summary.ts';

export interface ImportOptions extends CollectorTarget {
  file: string;
  format: FileFormat;
  /** Rows per request. */
  batch: number;
}

export interface ImportIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  now?: () => number;
}

/**
 * `journey import`: the file in batches, one request at a time (the collector stores each batch
 * in one transaction, so parallel requests would only queue there), a progress bar on stderr and
 * the summary on stdout. Row numbers in the summary are the file's, whatever batch a row was in.
 */
export async function importFile(options: ImportOptions, { stdout, stderr, now = Date.now }: ImportIo): Promise<number> {
  const started = now();
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new ImportFailure(`Cannot read ${options.file}: ${(error as Error).message}`);
  }
  const file = readImportFile(text, options.format);
  const summary: ImportSummary = { file: options.file, total: file.rows.length, imported: 0, duplicates: 0, rejected: 0, rejections: [], seconds: 0 };
  const reject = (row: number, errors: ImportSummary['rejections'][number]['errors']) => {
    summary.rejected++;
    // Batches go in file order, so the first rows kept are the first rows of the file.
    if (summary.rejections.length < listedRejections) summary.rejections.push({ row, errors });
  };

  const progress = progressBar(stderr, file.rows.length, now);
  let done = 0;
  let sentUpTo: number | undefined;
  try {
    for (const batch of batches(file, options.batch, (row) => {
      reject(row, [{ field: 'row', message: 'larger than one request may be (5 MB); not sent' }]);
      done++;
    })) {
      const answer = await postImport(options, contentTypes[file.format], batch.body);
      summary.imported += answer.imported;
      summary.duplicates += answer.duplicates;
      const rejected = answer.outcomes.filter((outcome) => outcome.status === 'rejected');
      for (const outcome of rejected.sort((a, b) => a.row - b.row)) reject(batch.rows[outcome.row - 1] ?? outcome.row, outcome.errors);
      // A collector that counts more rejections than it explains still has them counted.
      summary.rejected += Math.max(0, answer.rejected - rejected.length);
      done += batch.rows.length;
      sentUpTo = batch.rows.at(-1);
      progress.update(done);
    }
  } catch (error) {
    progress.finish();
    if (error instanceof ImportFailure && sentUpTo !== undefined) {
      // Re-importing is safe: the collector keeps a touchpoint once per source and externalId.
      error.message += `\nRows up to row ${sentUpTo} were imported; run the same command again to import the rest (rows already there count as duplicates).`;
    }
    throw error;
  }
  progress.finish();
  summary.seconds = (now() - started) / 1000;
  stdout.write(formatSummary(summary));
  return summary.rejected ? exitCodes.rejected : exitCodes.ok;
}
