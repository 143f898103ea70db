import { defineConfig } from 'vitest/config';

// The dashboard's tests alone: `npx vitest run -c dashboard/vitest.config.ts`. `npm test` runs
// them through the root config once its include globs name dashboard/.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', root: import.meta.dirname, include: ['src/**/*.test.ts'], exclude: ['**/node_modules/**', '**/*.int.test.ts'] } },
      { test: { name: 'int', root: import.meta.dirname, include: ['src/**/*.int.test.ts'], testTimeout: 180_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
