import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fault tests run on their own (`npm run test:faults`, vitest.faults.config.ts).
    exclude: ['test/faults/**', 'node_modules/**'],
    // Integration tests share one Postgres database and one Redis; run files one at a time, as BullMQ does.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
