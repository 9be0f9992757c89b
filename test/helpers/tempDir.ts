/**
 * Temporary folders for tests: `tempDir('name')` makes `slmbench-name-XXXXXX` under the temp directory and
 * registers it; every folder a test file made is removed after that file's tests, pass or fail
 * (`test/setup/removeTempDirs.ts`, a vitest setup file). The leak check (`test/setup/tempLeakCheck.ts`)
 * gives the run a temporary directory of its own and fails the run when anything is left in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh, empty folder `slmbench-<name>-XXXXXX` in the temp directory, removed after the test file. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `slmbench-${name}-`));
  made.add(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
