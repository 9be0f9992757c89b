import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // End-to-end tests start worker processes that run real backends; on a 2-core machine running
    // several test files at once would make them fight for the cores and time out.
    fileParallelism: false,
    reporters: ['default'],
  },
});
