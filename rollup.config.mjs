// Builds what Journey ships. `npm run build` (and `npm start`, which builds first).
//   packages/collector/dist/node.mjs — the collector for Node as one file: ~40 % less memory than
//     running the sources (no module graph of a thousand files, no type stripper at run time).
//   The SDK's script-tag and npm builds join this list with the SDK itself.
import { stripTypeScriptTypes } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';

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

export default [
  {
    input: 'packages/collector/src/node/main.ts',
    output: { file: 'packages/collector/dist/node.mjs', format: 'es', sourcemap: true },
    external: [/^node:/],
    onwarn: quietCycles,
    plugins: [
      stripTypes(),
      nodeResolve({ extensions: ['.ts', '.mjs', '.js'], exportConditions: ['node', 'import', 'default'] }),
      commonjs(),
    ],
  },
];
