import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'protocol', include: ['packages/protocol/src/**/*.test.ts'] } },
      { test: { name: 'collector', include: ['packages/collector/src/**/*.test.ts'] } },
      { test: { name: 'cli', include: ['packages/cli/src/**/*.test.ts'] } },
      { test: { name: 'generator', include: ['packages/generator/src/**/*.test.ts'] } },
      {
        test: {
          name: 'sdk',
          include: ['packages/sdk/src/**/*.test.ts', 'packages/sdk/test/**/*.test.ts'],
          environment: 'happy-dom',
          environmentOptions: { happyDOM: { url: 'https://www.acme.test/' } },
          setupFiles: ['packages/sdk/test/setup.ts'],
        },
      },
      // Cross-package tests start real processes, so they get more time per test.
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          // The e2e tests run what ships: the built bundle, built once per run.
          globalSetup: ['tests/build.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
