import { defineConfig } from 'vitest/config';

// Fault tests kill processes, stop servers and run long rehearsals: run on demand (`npm run test:faults`),
// one file at a time. Named *.fault.ts so that `npm test` (test/**/*.test.ts) never picks them up.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
