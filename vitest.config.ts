import { defineConfig } from 'vitest/config';

/**
 * Unit tests (`*.test.ts`) are fast and use no network. Integration tests (`*.int.test.ts`)
 * drive real processes, real /proc and chDB; they get longer timeouts and run one file
 * at a time, because this machine has 2 cores and timing-sensitive runs share them.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{schemas,collector,pipeline,analyzer,bin,web,benchmarks,.ci,dashboard}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['{schemas,collector,pipeline,analyzer,bin,web,benchmarks,.ci,dashboard}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['.ci/vitest-setup.mjs'],
        },
      },
    ],
  },
});
