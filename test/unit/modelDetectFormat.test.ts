import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { tempDir } from '../helpers/tempDir.js';

let root: string;

beforeAll(() => {
  root = tempDir('detect');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` (path relative to a fresh folder → contents) and returns the folder. */
function tree(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}

async function formatError(path: string): Promise<ModelFormatError> {
  const error = await detectModelFormat(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFormatError);
  return error as ModelFormatError;
}

describe('detectModelFormat', () => {
  it('recognises a GGUF file by its magic and returns an absolute path', async () => {
    const dir = tree('gguf', { 'm.gguf': Buffer.from('GGUF\x03\x00\x00\x00', 'latin1'), 'blob-sha256': 'GGUFxxxx' });
    expect(await detectModelFormat(relative(process.cwd(), join(dir, 'm.gguf')))).toEqual({ path: join(dir, 'm.gguf'), format: 'gguf' });
    // llama.cpp does not care about the extension (Ollama stores blobs without one); neither does slmbench.
    expect(await detectModelFormat(join(dir, 'blob-sha256'))).toEqual({ path: join(dir, 'blob-sha256'), format: 'gguf' });
  });

  it('rejects a .gguf file without the magic, showing what it found', async () => {
    const dir = tree('bad-gguf', { 'x.gguf': 'hello world\n', 'empty.gguf': '', 'ab.gguf': '\x00\x01' });
    const error = await formatError(join(dir, 'x.gguf'));
    expect(error.code).toBe('MODEL_FORMAT');
    expect(error.message).toBe(`${join(dir, 'x.gguf')}: not a GGUF file: expected the magic "GGUF" (47 47 55 46), found "hell" (68 65 6c 6c)`);
    expect((await formatError(join(dir, 'empty.gguf'))).message).toBe(
      `${join(dir, 'empty.gguf')}: not a GGUF file: it is 0 bytes long, too short for the 4-byte magic "GGUF"`,
    );
    expect((await formatError(join(dir, 'ab.gguf'))).message).toContain('it is 2 bytes long');
  });

  it('takes a .onnx file as onnx (its contents are checked by inspectModel)', async () => {
    const dir = tree('onnx', { 'model.onnx': Buffer.from([8, 7]) });
    expect(await detectModelFormat(join(dir, 'model.onnx'))).toEqual({ path: join(dir, 'model.onnx'), format: 'onnx' });
  });

  it('recognises a transformers.js folder', async () => {
    const dir = tree('tjs', { 'config.json': '{}', 'onnx/model.onnx': 'x' });
    expect(await detectModelFormat(dir)).toEqual({ path: dir, format: 'transformers-js' });
  });

  it('rejects folders that are not transformers.js folders, saying what is missing', async () => {
    const noWeights = tree('no-weights', { 'config.json': '{}', 'onnx/readme.txt': 'x' });
    expect((await formatError(noWeights)).message).toBe(`${noWeights}: transformers.js folder without weights: onnx/ holds no .onnx file`);
    const pytorch = tree('pytorch', { 'config.json': '{}', 'model.safetensors': 'x' });
    expect((await formatError(pytorch)).message).toContain('it has config.json but no onnx/ subfolder');
    const noConfig = tree('no-config', { 'onnx/model.onnx': 'x' });
    expect((await formatError(noConfig)).message).toContain('it has an onnx/ subfolder but no config.json');
    const ggufFolder = tree('gguf-folder', { 'a.gguf': 'GGUF' });
    expect((await formatError(ggufFolder)).message).toContain(`give its path (e.g. ${join(ggufFolder, 'a.gguf')})`);
  });

  it('rejects other files with a message naming the accepted formats', async () => {
    const dir = tree('other', { 'model.bin': 'PK\x03\x04rest' });
    expect((await formatError(join(dir, 'model.bin'))).message).toBe(
      `${join(dir, 'model.bin')}: unknown model format: expected a .gguf file (magic "GGUF"), a .onnx file, or a ` +
        'transformers.js folder (config.json and onnx/); this file starts with "PK.." (50 4b 03 04)',
    );
  });

  it('throws ModelNotFoundError for a missing path', async () => {
    const missing = join(root, 'nope', 'model.gguf');
    const error = await detectModelFormat(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as ModelNotFoundError).code).toBe('MODEL_NOT_FOUND');
    expect((error as ModelNotFoundError).message).toBe(`model not found: ${missing}`);
  });
});
