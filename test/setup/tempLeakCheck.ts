/**
 * Vitest global setup: the leak check. Before the run it lists what in the temp directory is named
 * `slmbench-*`; after the run (last of all) it lists again and fails the run (exit status 1), naming them, when anything new
 * is left (the test cache, kept on purpose between runs, excepted). Tests make their folders with
 * `tempDir()` (removed after each file) and clean up whatever else they start.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Kept between runs on purpose (vitest.config.ts: forged models, the bandwidth probe). */
const KEPT = new Set(['slmbench-test-cache']);

function slmbenchEntries(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('slmbench-') && !KEPT.has(name)));
}

export default function setup(): () => void {
  const before = slmbenchEntries();
  return () => {
    const left = [...slmbenchEntries()].filter((name) => !before.has(name));
    if (left.length) {
      // A thrown error here is printed but does not fail vitest's exit status: set it.
      process.exitCode = 1;
      process.stderr.write(`\nleak check FAILED: the tests left ${left.length} entries in ${tmpdir()}: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}\n`);
    }
  };
}
