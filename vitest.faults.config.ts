import { defineConfig } from 'vitest/config';

// Fault tests kill processes, stop servers and run long rehearsals: run on demand (`npm run test:faults`),
// one file at a time, never as part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
