/**
 * Creates a folder and its missing parents with a bounded walk of our own. Node 20's
 * `mkdirSync(path, { recursive: true })` (and the promise form) loops forever, at 100% CPU and deaf to
 * Ctrl-C, on paths under `/proc` where the parent exists and `mkdir` answers ENOENT; here every component
 * is tried once, from the deepest folder that exists, and a failure is one {@link OutputError} (exit 2)
 * that names the path and the file system's reason.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError } from '../errors.js';

/** Why the file system refused, in words, by error code. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'the file system does not allow new folders there (a virtual file system such as /proc?)',
  ENAMETOOLONG: 'the name is too long',
};

/** The file system's error as words: `read-only file system (EROFS)`. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code) return `${REASONS[code] ?? (error as Error).message} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes `path` (and its missing parents); nothing when it is a folder already. `what` names the folder in
 * the error (default: `folder`). Throws OutputError when a component exists and is not a folder or cannot
 * be created.
 */
export function makeDir(path: string, what = 'folder'): void {
  const target = resolve(path);
  const missing: string[] = [];
  let existing = target;
  // Walk up to the deepest component that exists; the walk ends at the root (dirname of '/' is '/').
  for (;;) {
    const kind = statKind(existing);
    if (kind === 'dir') break;
    if (kind === 'other') {
      throw new OutputError(`${target}: cannot create the ${what}: ${existing} exists and is not a folder`);
    }
    if (kind instanceof Error) throw new OutputError(`${target}: cannot create the ${what}: ${describeFsError(kind)}`);
    missing.push(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another process made it meanwhile.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statKind(dir) === 'dir') continue;
      throw new OutputError(`${target}: cannot create the ${what}: ${describeFsError(error)}`);
    }
  }
}

function statKind(path: string): 'dir' | 'other' | 'missing' | Error {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    // A path through a file: the file is found on the way up and reported by name.
    if (code === 'ENOTDIR') return 'missing';
    return error as Error;
  }
}
