import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // End-to-end tests start worker processes that run real backends; on a 2-core machine running
    // several test files at once would make them fight for the cores and time out.
    fileParallelism: false,
    // The default reporter, and one line per skipped group with its reason.
    reporters: ['default', './test/setup/skipReasonsReporter.ts'],
    // Every test file's tempDir() folders are removed after it; the leak check gives the run its own
    // temporary directory (TMPDIR) and fails the run on anything left in it.
    setupFiles: ['test/setup/removeTempDirs.ts'],
    globalSetup: ['test/setup/tempLeakCheck.ts'],
    // Tests never write to the user's cache: forged models and the bandwidth probe go to a test cache
    // (kept between runs on one machine, so the probe and forges are made once).
    env: { SLMBENCH_CACHE: process.env.SLMBENCH_TEST_CACHE ?? join(tmpdir(), 'slmbench-test-cache') },
  },
});
