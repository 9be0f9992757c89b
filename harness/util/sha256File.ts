/**
 * Streaming sha256 of a file: constant memory whatever the file's size.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of the contents of the file at `path`, as 64 lower-case hex digits. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
