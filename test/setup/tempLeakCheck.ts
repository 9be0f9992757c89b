/**
 * Vitest global setup: the leak check. The run gets a temporary directory of its own
 * (`slmbench-tests-XXXXXX` in the system's, handed to every test file and every process the tests start
 * through TMPDIR), so that runs side by side do not see each other's folders. After the run, last of all,
 * anything left in it fails the run (exit status 1), named; the directory is removed either way. Tests make
 * their folders with `tempDir()` (removed after each file, pass or fail) and clean up whatever else they
 * start. The test cache (vitest.config.ts) stays in the system's temporary directory, kept on purpose.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'slmbench-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    if (left.length) {
      // A thrown error here is printed but does not fail vitest's exit status: set it.
      process.exitCode = 1;
      process.stderr.write(`\nleak check FAILED: the tests left ${left.length} entries in the temporary directory: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}\n`);
    }
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
