/**
 * The git object id of a file's contents: sha1 of `blob <size>\0<contents>`. The hub's `ETag` of a file
 * stored in git (not LFS) is this id, so small files (configs, tokenizers) can be checked too.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

/** 40 lower-case hex digits. */
export async function gitBlobSha1(path: string): Promise<string> {
  const hash = createHash('sha1');
  hash.update(`blob ${statSync(path).size}\0`);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
