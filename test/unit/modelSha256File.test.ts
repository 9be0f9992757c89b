import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../harness/util/sha256File.js';
import { tempDir } from '../helpers/tempDir.js';

let root: string;

beforeAll(() => {
  root = tempDir('sha');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, contents: string | Buffer): string {
  const path = join(root, name);
  writeFileSync(path, contents);
  return path;
}

describe('sha256File', () => {
  it('matches the FIPS 180-2 test vectors', async () => {
    expect(await sha256File(file('empty', ''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256File(file('abc', 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256File(file('million-a', 'a'.repeat(1_000_000)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('hashes a file larger than its read chunk the same as the whole buffer', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
    const expected = createHash('sha256').update(data).digest('hex');
    expect(await sha256File(file('big', data))).toBe(expected);
  });

  it('rejects for a missing file', async () => {
    await expect(sha256File(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
