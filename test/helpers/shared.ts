/**
 * Access to `../shared` (models and public datasets that are not ours). Tests that need them read the
 * folder named by SLMBENCH_SHARED: when it is unset they are skipped with a visible reason; when it is set
 * and a file is missing, the test fails.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Absolute path of the shared folder, or null when SLMBENCH_SHARED is unset. */
export const sharedRoot: string | null = process.env.SLMBENCH_SHARED ? resolve(process.env.SLMBENCH_SHARED) : null;

/** Reason printed in the test name when shared-data tests are skipped. */
export const sharedSkipReason = 'SLMBENCH_SHARED is unset: skipping tests on ../shared models and data';

/** Path of a file under the shared folder; throws (failing the test) when it is missing. */
export function sharedPath(...parts: string[]): string {
  if (!sharedRoot) throw new Error(sharedSkipReason);
  const path = resolve(sharedRoot, ...parts);
  if (!existsSync(path)) throw new Error(`SLMBENCH_SHARED is set but ${path} is missing`);
  return path;
}

/** True when shared-data tests should run. */
export const hasShared = sharedRoot !== null;
