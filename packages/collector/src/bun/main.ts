// `bun packages/collector/src/bun/main.ts [--site <folder>] [--script <file>]` (README: Configuration).
import { runMain } from '../server/main.ts';
import { startBunCollector } from './index.ts';

runMain(startBunCollector);
