#!/usr/bin/env node
// `journey import <file>`: Node ≥ 22.18 runs this TypeScript as is (type stripping), as it runs
// the collector's sources. Everything but the process itself is in journey.ts, where tests reach it.
import { run } from './journey.ts';

process.exitCode = await run(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
