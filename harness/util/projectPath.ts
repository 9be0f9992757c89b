/**
 * Paths inside the slmbench package, valid both from the TypeScript sources (tests) and from the compiled
 * `dist/` tree (the CLI): the package root is found by walking up to slmbench's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** Absolute path of the slmbench package root. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'slmbench') {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the slmbench package root');
    dir = parent;
  }
}

/** Absolute path of a file shipped with the package (data files: datasets/, suites/). */
export function projectPath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** Absolute path of a compiled module under dist/ (e.g. the worker entry point). */
export function distPath(...parts: string[]): string {
  return join(packageRoot(), 'dist', ...parts);
}
