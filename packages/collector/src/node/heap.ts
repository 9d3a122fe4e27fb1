import { setFlagsFromString } from 'node:v8';

/**
 * How the collector's own Node process sizes its heap. For the collector's process only (its
 * entry, and benchmarks that measure such a process): an application embedding the collector
 * keeps its own settings.
 *
 * - No pretenuring. V8 learns which allocation sites make long-lived objects and then allocates
 *   theirs straight in the old generation. A collector's first seconds under load (the rollup's
 *   first build, a backlog) teach it that of the sites every request uses (JSON.parse, the
 *   compiled validator, the stored row), and from then on each request's garbage went to the old
 *   generation: 80–150 MB/s of it under the ingestion benchmark, a full collection every ~0.4 s,
 *   the heap let grow to ~300 MB. Without it: 20–45 MB/s, throughput as high or higher.
 * - The old generation grows to twice what the last full collection kept, not four times (V8's
 *   default on a machine with a few GB): the collector keeps ~20 MB live while it ingests, and the
 *   pages it grew into stay resident. Peak RSS under the ingestion benchmark 204–223 → 169–183 MB.
 *   Nothing is capped: a large staging still gets all the heap it needs.
 *
 * Both are V8's own flags. Should a later V8 drop one, it says so on stderr and carries on with its
 * defaults.
 */
export function tuneHeap(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString('--heap-growing-percent=100');
}
