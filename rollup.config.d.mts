// Types for tests that import the build configuration (packages/sdk/src/size.test.ts).
import type { RollupOptions } from 'rollup';
declare const config: RollupOptions[];
export default config;
