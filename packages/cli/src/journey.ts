import { parseArgs } from 'node:util';
import { requestLimits } from './batches.ts';
import { exitCodes, ImportFailure } from './failure.ts';
import { importFile, type ImportIo } from './import-command.ts';
import { formatOf, type FileFormat } from './import-file.ts';

export const usage = `Usage: journey import <file> [options]

Sends offline touchpoints (CRM, webinar, event exports as CSV, JSON or NDJSON) to a Journey
collector's POST /v1/import, in batches, with a progress bar and a summary.

Options:
  --url <url>        the collector (default: $JOURNEY_URL, else http://localhost:8787)
  --key <key>        its secret key (default: $JOURNEY_SECRET_KEY, which keeps it out of ps)
  --format <format>  csv, json or ndjson (default: from the file's extension)
  --batch <rows>     rows per request, 1 to ${requestLimits.rows} (default: 1000)
  -h, --help         this help

Exit codes: 0 every row imported or already there, 1 some rows rejected, 2 could not import.
`;

export interface CliIo extends ImportIo {
  env: Record<string, string | undefined>;
}

/** The `journey` command line: the exit code, after writing what happened to stdout and stderr. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help) {
      io.stdout.write(usage);
      return exitCodes.ok;
    }
    const [command, file, ...rest] = positionals;
    if (command !== 'import') throw new ImportFailure(command ? `Unknown command "${command}"` : 'Which command?', { showUsage: true });
    if (!file || rest.length) throw new ImportFailure(file ? `One file at a time, not ${positionals.length - 1}` : 'Which file?', { showUsage: true });

    const format = values.format ?? formatOf(file);
    if (!format) throw new ImportFailure(`Cannot tell the format of ${file} from its name: pass --format csv, json or ndjson`);
    if (!isFormat(format)) throw new ImportFailure(`--format must be csv, json or ndjson, not "${format}"`);
    const batch = Number(values.batch ?? 1000);
    if (!Number.isInteger(batch) || batch < 1 || batch > requestLimits.rows) {
      throw new ImportFailure(`--batch must be a whole number from 1 to ${requestLimits.rows}, not "${values.batch}"`);
    }
    const secretKey = values.key ?? io.env.JOURNEY_SECRET_KEY;
    if (!secretKey) throw new ImportFailure('No secret key: set JOURNEY_SECRET_KEY or pass --key');
    const url = collectorUrl(values.url ?? io.env.JOURNEY_URL ?? 'http://localhost:8787');

    return await importFile({ file, format, batch, url, secretKey }, io);
  } catch (error) {
    if (!(error instanceof ImportFailure)) throw error;
    io.stderr.write(`journey: ${error.message}\n`);
    if (error.showUsage) io.stderr.write(`\n${usage}`);
    return exitCodes.failed;
  }
}

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        format: { type: 'string' },
        batch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong in a sentence: "Unknown option '--urll'".
    throw new ImportFailure((error as Error).message, { showUsage: true });
  }
}

const isFormat = (value: string): value is FileFormat => value === 'csv' || value === 'json' || value === 'ndjson';

function collectorUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ImportFailure(`"${value}" is not a URL: pass --url http://localhost:8787, or set JOURNEY_URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImportFailure(`The collector's URL must be http or https, not ${url.protocol}`);
  return url;
}
