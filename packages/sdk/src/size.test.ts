import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { rollup, type OutputOptions } from 'rollup';
import { describe, expect, it } from 'vitest';
import config from '../../../rollup.config.mjs';

/**
 * The script-tag build's size budget, measured as the peers are (gzip -9, and brotli 11 for the
 * record). The budget is 3,500 bytes; the build is not there yet (docs/BENCHMARKS.md), so
 * this ceiling holds the line where it stands. Lower it as the SDK shrinks; if growth is intended,
 * raise it in the same commit and say why.
 */
const ceiling = 4645;

describe('journey.js size', () => {
  it(`stays within ${ceiling} bytes gzip -9`, { timeout: 60_000 }, async () => {
    const scriptTag = config.find((entry) => !Array.isArray(entry.output) && entry.output?.file?.endsWith('journey.js'))!;
    const bundle = await rollup({ input: scriptTag.input, plugins: scriptTag.plugins, onwarn: () => {} });
    const { output } = await bundle.generate(scriptTag.output as OutputOptions);
    const code = output[0].code;
    const gzip = gzipSync(code, { level: 9 }).length;
    const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(`journey.js: ${code.length} B raw, ${gzip} B gzip -9, ${brotli} B brotli 11`);
    expect(gzip).toBeLessThanOrEqual(ceiling);
    // No validator in the browser: the protocol is imported for its types and placeholder pattern only.
    expect(code).not.toMatch(/ZodError|safeParse/);
  });
});
