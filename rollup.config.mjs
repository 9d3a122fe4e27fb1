// Builds what Journey ships. `npm run build` (and `npm start`, which builds first).
//   packages/sdk/dist/journey.js — the SDK for a script tag (IIFE), minified: the collector serves it.
//   packages/sdk/dist/index.mjs  — the SDK for bundlers (ESM), with its types.
//   packages/collector/dist/node.mjs — the collector for Node as one file: ~40 % less memory than
//     running the sources (no module graph of a thousand files, no type stripper at run time).
import { stripTypeScriptTypes } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/**
 * TypeScript in, JavaScript out, exactly as Node runs our sources in development: types erased
 * and replaced by whitespace, nothing else. Positions do not move, so the bundle's source map
 * needs no help from this step. Type checking is `npm run typecheck`'s job, not the build's.
 */
const stripTypes = () => ({
  name: 'strip-types',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    return { code: stripTypeScriptTypes(code, { mode: 'strip' }), map: null };
  },
});

// zod and Kysely have import cycles of their own; they are harmless, and not ours to fix.
const quietCycles = (warning, warn) => {
  if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('/node_modules/'))) return;
  warn(warning);
};

const sdkTypescript = (declarations) =>
  typescript({
    tsconfig: 'packages/sdk/tsconfig.json',
    ...(declarations ? { declarationDir: 'packages/sdk/dist', outDir: 'packages/sdk/dist' } : { declaration: false, outDir: 'packages/sdk/dist' }),
  });

// Every byte of the script tag is downloaded by every visitor of every page: squeeze hard. The
// SDK is written for it (no classes, no globals kept), so the unsafe transforms are safe here.
const squeeze = terser({
  ecma: 2022,
  module: false,
  toplevel: true,
  compress: { passes: 3, unsafe: true, unsafe_arrows: true, unsafe_methods: true, pure_getters: true },
  format: { comments: false },
});

export default [
  {
    input: 'packages/sdk/src/script.ts',
    output: { file: 'packages/sdk/dist/journey.js', format: 'iife' },
    plugins: [nodeResolve({ browser: true }), sdkTypescript(false), squeeze],
  },
  {
    input: 'packages/sdk/src/index.ts',
    output: { dir: 'packages/sdk/dist', entryFileNames: 'index.mjs', format: 'es' },
    external: ['idb-keyval'],
    plugins: [nodeResolve({ browser: true }), sdkTypescript(true)],
  },
  {
    input: 'packages/collector/src/node/main.ts',
    // The map names each line's TypeScript file and line for stack traces (npm start runs with
    // --enable-source-maps); without the sources inside it, Node holds ~11 MB less while it runs.
    output: { file: 'packages/collector/dist/node.mjs', format: 'es', sourcemap: true, sourcemapExcludeSources: true },
    external: [/^node:/],
    onwarn: quietCycles,
    plugins: [
      stripTypes(),
      nodeResolve({ extensions: ['.ts', '.mjs', '.js'], exportConditions: ['node', 'import', 'default'] }),
      commonjs(),
    ],
  },
];
