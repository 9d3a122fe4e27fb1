#!/usr/bin/env node
// `node packages/collector/src/node/main.ts [--site <folder>] [--script <file>]` (README: Configuration).
import { setFlagsFromString } from 'node:v8';
import { runMain } from '../server/main.ts';
import { startNodeCollector } from './index.ts';

// V8 learns which allocation sites make long-lived objects and then allocates theirs straight in
// the old generation ("pretenuring"). A collector's first seconds under load (the rollup's first
// build, a backlog) teach it that of the sites every request uses (JSON.parse, the compiled
// validator, the stored row), and from then on each request's garbage went to the old generation:
// 80–150 MB/s of it under the ingestion benchmark, a full collection every ~0.4 s and the heap let
// grow to ~300 MB. Without it: 20–45 MB/s, and throughput as high or higher. The collector's own
// process only; an application embedding the collector keeps its own settings.
setFlagsFromString('--no-allocation-site-pretenuring');

runMain(startNodeCollector);
