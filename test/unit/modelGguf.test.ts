import { rmSync, statSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { readGgufHeader } from '../../adapters/formats/gguf/readGgufHeader.js';
import { encodeGgufHeader, type GgufTensorInfo, type GgufValue } from '../../harness/forge/encodeGgufHeader.js';
import { inspectModel } from '../../harness/model/inspectModel.js';
import { tempDir } from '../helpers/tempDir.js';

let root: string;
beforeAll(() => {
  root = tempDir('gguf');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A GGUF preamble: magic, version (u32), tensor count (u64), metadata count (u64), then `rest`. */
function gguf(name: string, version: number, tensors: bigint, entries: bigint, rest = Buffer.alloc(0)): string {
  const preamble = Buffer.alloc(24);
  preamble.write('GGUF', 0, 'latin1');
  preamble.writeUInt32LE(version, 4);
  preamble.writeBigUInt64LE(tensors, 8);
  preamble.writeBigUInt64LE(entries, 16);
  const path = join(root, name);
  writeFileSync(path, Buffer.concat([preamble, rest]));
  return path;
}

async function message(path: string): Promise<string> {
  const error = await inspectModel(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFormatError);
  return (error as ModelFormatError).message;
}

describe('inspectModel: GGUF preamble checks (before node-llama-cpp parses the file)', () => {
  it('rejects a file shorter than the preamble', async () => {
    const path = join(root, 'short.gguf');
    writeFileSync(path, 'GGUF\x03\x00');
    expect(await message(path)).toBe(`${path}: truncated or damaged GGUF file: 6 bytes, shorter than the 24-byte GGUF preamble`);
  });

  it('rejects GGUF version 1 and unknown versions', async () => {
    const v1 = gguf('v1.gguf', 1, 0n, 0n);
    expect(await message(v1)).toBe(
      `${v1}: GGUF version 1 is not supported (llama.cpp reads versions 2 and 3; convert the file with a current llama.cpp)`,
    );
    const v9 = gguf('v9.gguf', 9, 0n, 0n);
    expect(await message(v9)).toBe(`${v9}: damaged GGUF file: version 9 (llama.cpp reads versions 2 and 3)`);
  });

  it('rejects counts the file cannot hold instead of parsing zeros for ever', async () => {
    const path = gguf('huge.gguf', 3, 1n << 48n, 1n, Buffer.alloc(1000));
    expect(await message(path)).toBe(
      `${path}: truncated or damaged GGUF file: it declares 281474976710656 tensors and 1 metadata entries, more than its 1024 bytes can hold`,
    );
  });
});

describe('readGgufHeader: a split model', () => {
  /** Writes one part: a header made by the forge's encoder and zero-filled tensor data. */
  function part(name: string, metadata: ReadonlyArray<readonly [string, GgufValue]>, tensors: GgufTensorInfo[]): string {
    const header = encodeGgufHeader(metadata, tensors);
    const path = join(root, name);
    writeFileSync(path, Buffer.concat([header.bytes, Buffer.alloc(header.dataBytes)]));
    return path;
  }

  it('reads metadata from the first part and tensors from every part, each with its file', async () => {
    const first = part('toy-00001-of-00002.gguf', [['general.architecture', { type: 'string', value: 'llama' }], ['split.count', { type: 'uint32', value: 2 }]], [
      { name: 'token_embd.weight', dims: [8, 4], type: 'F32' },
    ]);
    const second = part('toy-00002-of-00002.gguf', [['split.count', { type: 'uint32', value: 2 }]], [{ name: 'output.weight', dims: [8, 4], type: 'F16' }]);
    const header = await readGgufHeader(first);
    expect(header.parts.map((p) => p.path)).toEqual([first, second]);
    expect(header.sizeBytes).toBe(statSync(first).size + statSync(second).size);
    expect(header.values.get('general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(header.tensors.map((t) => [t.name, t.typeName, t.part, t.file, t.byteLength])).toEqual([
      ['token_embd.weight', 'F32', 0, first, 128],
      ['output.weight', 'F16', 1, second, 64],
    ]);
    expect((await readGgufHeader(first, { parts: false })).tensors.map((t) => t.name)).toEqual(['token_embd.weight']);
  });

  it('names the missing part', async () => {
    const first = part('gap-00001-of-00003.gguf', [['split.count', { type: 'uint32', value: 3 }]], [{ name: 'a', dims: [4], type: 'F32' }]);
    part('gap-00002-of-00003.gguf', [['split.count', { type: 'uint32', value: 3 }]], [{ name: 'b', dims: [4], type: 'F32' }]);
    const error = await readGgufHeader(first).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as ModelNotFoundError).message).toContain(join(root, 'gap-00003-of-00003.gguf'));
  });
});
