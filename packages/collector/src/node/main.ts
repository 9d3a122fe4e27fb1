#!/usr/bin/env node
// `node packages/collector/src/node/main.ts [--site <folder>] [--script <file>]` (README: Configuration).
import { runMain } from '../server/main.ts';
import { tuneHeap } from './heap.ts';
import { startNodeCollector } from './index.ts';

tuneHeap();
runMain(startNodeCollector);
