// `deno run -A packages/collector/src/deno/main.ts [--site <folder>] [--script <file>]` (README: Configuration).
import { runMain } from '../server/main.ts';
import { startDenoCollector } from './index.ts';

runMain(startDenoCollector);
