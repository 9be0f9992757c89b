/**
 * Version of an installed package, found by resolving the package and reading its package.json even
 * when the package's `exports` field hides `./package.json`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Returns the installed version of `name`, or `'unknown'` when it cannot be resolved. */
export function packageVersion(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    try {
      entry = import.meta.resolve(name).replace(/^file:\/\//, '');
    } catch {
      return 'unknown';
    }
  }
  let dir = dirname(entry);
  for (let i = 0; i < 10; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
