/**
 * Reads the installed version of a package from its package.json, as Node would resolve the package from
 * a given file; every adapter's `versions()` uses it. Works for packages whose `exports` hide
 * `package.json` (such as @huggingface/transformers) and for ESM-only packages: it resolves the package's
 * entry point, or else looks in Node's lookup folders, and walks up to the package.json that carries the
 * package's name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** A package.json found for a package: its path and version. */
export interface PackageVersion {
  /** Absolute path of the package.json read. */
  packageJson: string;
  /** Its `version` field. */
  version: string;
}

/**
 * @param name package name, e.g. `onnxruntime-node`
 * @param from a file path (or file URL) to resolve from; the package as that file would import it
 * @returns the version, or null when the package cannot be found from there
 */
export function readPackageVersion(name: string, from: string | URL): PackageVersion | null {
  const require = createRequire(from);
  const starts: string[] = [];
  try {
    starts.push(dirname(require.resolve(name)));
  } catch {
    // Not resolvable as CommonJS (ESM-only exports) or absent: fall back to the lookup paths below.
  }
  for (const base of require.resolve.paths(name) ?? []) starts.push(join(base, name));

  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const found = readNamedPackageJson(join(dir, 'package.json'), name);
      if (found) return found;
      // Stop at the file-system root, and do not climb out of the node_modules folder that holds the package.
      if (dirname(dir) === dir || basename(dirname(dir)) === 'node_modules') break;
    }
  }
  return null;
}

function readNamedPackageJson(path: string, name: string): PackageVersion | null {
  if (!existsSync(path)) return null;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
    if (json.name === name && typeof json.version === 'string') return { packageJson: path, version: json.version };
  } catch {
    // An unreadable package.json on the way up is not the one we look for.
  }
  return null;
}
