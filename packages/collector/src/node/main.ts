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
// grow to ~300 MB. Without it: 20–45 MB/s, and throughput as high or higher.
setFlagsFromString('--no-allocation-site-pretenuring');
// On a machine with a few GB, V8 lets the old generation grow to four times what its last full
// collection kept before collecting again; the collector keeps ~20 MB live while it ingests, and
// the pages it grew into stay resident. Twice, here: peak RSS under the ingestion benchmark
// 204–223 -> 169–183 MB, at most a few milliseconds of collection more a second. Nothing is
// capped: a large staging still gets all the heap it needs.
setFlagsFromString('--heap-growing-percent=100');
// Both are V8's own flags. Should a later V8 drop one, it says so on stderr and carries on with its
// defaults. The collector's own process only: an application embedding it keeps its settings.

runMain(startNodeCollector);
