#!/usr/bin/env node
/**
 * node packages/generator/src/cli.ts --seed 1 --people 1000 --out events.ndjson
 *
 * Writes the events as NDJSON (one event per line, in delivery order), the offline touchpoints as
 * CSV beside them, and with --truth the truth as JSON. Run with --help for every option.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { generate } from './generate.ts';
import { generatorOptions, type GeneratorOptions } from './options.ts';
import { toCsv } from './touchpoint.ts';

const usage = `Usage: node packages/generator/src/cli.ts [options]

  --seed <n|text>        same seed and options, same bytes (default 1)
  --people <n>           people in all (default 1000)
  --accounts <n>         B2B companies among them (default: one per 25 people)
  --events <n>           about how many events; people are made more or less active to match
  --start <iso>          when the window opens (default 2025-01-01T00:00:00.000Z)
  --days <n>             how long it lasts (default 365)
  --site <url>           the tracked site's origin (default https://www.acme-pipeline.example)
  --out <file>           events as NDJSON (default: standard output)
  --touchpoints <file>   offline touchpoints as CSV, or NDJSON if it ends in .ndjson (default:
                         beside an --out *.ndjson, as *.touchpoints.csv)
  --truth <file>         the truth as JSON: each person's and account's stages, first touch, …
  --no-historical        leave out \`timestamp\`, as the browser SDK does
  --no-cross-device      people do not log in on their other devices
  --shared-devices       couples share a laptop without logging out
  --no-late-delivery     every event is sent within seconds
  --help                 this text
`;

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    people: { type: 'string' },
    accounts: { type: 'string' },
    events: { type: 'string' },
    start: { type: 'string' },
    days: { type: 'string' },
    site: { type: 'string' },
    out: { type: 'string' },
    touchpoints: { type: 'string' },
    truth: { type: 'string' },
    'no-historical': { type: 'boolean' },
    'no-cross-device': { type: 'boolean' },
    'shared-devices': { type: 'boolean' },
    'no-late-delivery': { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const number = (value: string | undefined) => (value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value);
const options = {
  seed: number(values.seed),
  people: number(values.people),
  accounts: number(values.accounts),
  events: number(values.events),
  start: values.start,
  days: number(values.days),
  site: values.site,
  historical: values['no-historical'] ? false : undefined,
  crossDevice: values['no-cross-device'] ? false : undefined,
  sharedDevices: values['shared-devices'] ? true : undefined,
  lateDelivery: values['no-late-delivery'] ? false : undefined,
};
const parsed = generatorOptions.safeParse(Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)));
if (!parsed.success) {
  process.stderr.write(`${z.prettifyError(parsed.error)}\n\n${usage}`);
  process.exit(2);
}

/** Writes lines in large chunks: one write per line would cost more than making the line. */
function writer(path: string | undefined) {
  const fd = path === undefined ? 1 : openSync(path, 'w');
  let lines: string[] = [];
  let size = 0;
  const flush = () => {
    // One join makes one flat string; appending line by line makes a rope that is slow to write.
    if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
    lines = [];
    size = 0;
  };
  return {
    line(text: string) {
      lines.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    close() {
      flush();
      if (fd !== 1) closeSync(fd);
    },
  };
}

const started = performance.now();
const dataset = generate(parsed.data as GeneratorOptions);
const events = writer(values.out);
let count = 0;
for (const event of dataset.events()) {
  events.line(JSON.stringify(event));
  count++;
}
events.close();

const touchpointsPath = values.touchpoints ?? (values.out && /\.(ndjson|jsonl|json)$/.test(values.out) ? values.out.replace(/\.\w+$/, '.touchpoints.csv') : undefined);
if (touchpointsPath) {
  const rows = writer(touchpointsPath);
  if (/\.(ndjson|jsonl)$/.test(touchpointsPath)) for (const touchpoint of dataset.touchpoints) rows.line(JSON.stringify(touchpoint));
  else for (const line of toCsv(dataset.touchpoints)) rows.line(line);
  rows.close();
}
if (values.truth) {
  // One person or account per line: readable, and never one string the size of the file.
  const { window, totals, accounts, people } = dataset.truth;
  const truth = writer(values.truth);
  truth.line(`{"window":${JSON.stringify(window)},"totals":${JSON.stringify(totals)},"accounts":[`);
  accounts.forEach((account, index) => truth.line(JSON.stringify(account) + (index < accounts.length - 1 ? ',' : '')));
  truth.line('],"people":[');
  people.forEach((person, index) => truth.line(JSON.stringify(person) + (index < people.length - 1 ? ',' : '')));
  truth.line(']}');
  truth.close();
}

const { totals } = dataset.truth;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stderr.write(
  `${count} events, ${totals.people} people, ${totals.accounts} accounts, ${totals.offlineTouchpoints} offline touchpoints in ${seconds} s` +
    (values.out ? ` → ${values.out}` : '') +
    (touchpointsPath ? `, ${touchpointsPath}` : '') +
    (values.truth ? `, ${values.truth}` : '') +
    '\n',
);
