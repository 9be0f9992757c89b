/**
 * Writes a file so that readers see either the old file or the whole new one, never half of it: the data
 * goes to a temporary file beside the target, is flushed to disk (fsync), and the temporary file is
 * renamed over the target. A failed write removes the temporary file and throws OutputError (exit 2)
 * naming the file and the file system's reason (`cannot write (no space left on the device (ENOSPC))`).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.js';
import { describeFsError } from './makeDir.js';

/** Writes `data` (text as UTF-8) to `path` atomically; see the module comment. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new OutputError(`${path}: cannot write (${describeFsError(error)})`, { cause: error });
  }
}
