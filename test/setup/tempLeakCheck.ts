/**
 * Vitest global setup: the leak check. The run gets a temporary directory of its own
 * (`slmbench-tests-XXXXXX` in the system's, handed to every test file and every process the tests start
 * through TMPDIR, world-writable and sticky like /tmp, for the tests that run as another user), so that runs
 * side by side do not see each other's folders. After the run, last of all, a `slmbench-*` entry left in it
 * fails the run (exit status 1), named; what the libraries leave there (Chromium's logs, tsx's cache) is
 * named in a note; the directory is removed either way, so the system's is left as it was. Tests make
 * their folders with `tempDir()` (removed after each file, pass or fail) and clean up whatever else they
 * start. The test cache (vitest.config.ts) stays in the system's temporary directory, kept on purpose.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'slmbench-tests-'));
  chmodSync(root, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    const all = readdirSync(root);
    const left = all.filter((name) => name.startsWith('slmbench-'));
    const others = all.filter((name) => !name.startsWith('slmbench-'));
    const list = (names: string[]) => `${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`;
    if (others.length) process.stdout.write(`\nleak check: ${others.length} files the libraries left in the temporary directory, removed with it: ${list(others)}\n`);
    if (left.length) {
      // A thrown error here is printed but does not fail vitest's exit status: set it.
      process.exitCode = 1;
      process.stderr.write(`\nleak check FAILED: the tests left ${left.length} entries in the temporary directory: ${list(left)}\n`);
    }
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
