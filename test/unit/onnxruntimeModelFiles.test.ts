import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModelFiles } from '../../adapters/onnxruntime/resolveModelFiles.js';
import { BackendOptionError, ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { tempDir } from '../helpers/tempDir.js';

let root: string;
let count = 0;

/** A fresh folder holding the given files (paths relative to it; `null` content = empty file). */
function folder(files: Record<string, string | null>): string {
  const dir = join(root, `m${count++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content ?? '');
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const tokenizer = { 'tokenizer.json': '{}', 'tokenizer_config.json': '{}' };
const config = (dtype: unknown) => JSON.stringify({ max_position_embeddings: 64, 'transformers.js_config': { dtype } });

beforeAll(() => {
  root = tempDir('ort-files');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveModelFiles: transformers.js folders', () => {
  it('auto picks onnx/model.onnx (fp32) when present and reads the config files', () => {
    const dir = folder({ ...tokenizer, 'config.json': config('fp16'), 'generation_config.json': '{"eos_token_id":[2,3]}', 'onnx/model.onnx': null, 'onnx/model_fp16.onnx': null });
    const files = resolveModelFiles(dir, 'auto');
    expect(files).toEqual({
      folder: dir,
      onnxPath: join(dir, 'onnx', 'model.onnx'),
      onnxFile: 'onnx/model.onnx',
      dtype: 'fp32',
      config: { max_position_embeddings: 64, 'transformers.js_config': { dtype: 'fp16' } },
      generationConfig: { eos_token_id: [2, 3] },
    });
  });

  it('auto without model.onnx follows transformers.js_config.dtype (a string or a per-model object)', () => {
    const files = { ...tokenizer, 'onnx/model_fp16.onnx': null, 'onnx/model_q4.onnx': null };
    expect(resolveModelFiles(folder({ ...files, 'config.json': config('q4') }), 'auto')).toMatchObject({ dtype: 'q4', onnxFile: 'onnx/model_q4.onnx' });
    expect(resolveModelFiles(folder({ ...files, 'config.json': config({ model: 'fp16' }) }), 'auto')).toMatchObject({ dtype: 'fp16', onnxFile: 'onnx/model_fp16.onnx' });
  });

  it('auto takes the only model*.onnx file', () => {
    expect(resolveModelFiles(folder({ ...tokenizer, 'onnx/model_q4f16.onnx': null }), 'auto')).toMatchObject({ dtype: 'q4f16', onnxFile: 'onnx/model_q4f16.onnx', config: null, generationConfig: null });
    expect(resolveModelFiles(folder({ ...tokenizer, 'onnx/model_quantized.onnx': null }), 'auto')).toMatchObject({ dtype: 'q8' });
  });

  it('auto with several files and no hint is an error listing them', () => {
    const dir = folder({ ...tokenizer, 'onnx/model_fp16.onnx': null, 'onnx/model_int8.onnx': null });
    expect(() => resolveModelFiles(dir, 'auto')).toThrow(ModelFormatError);
    expect(() => resolveModelFiles(dir, 'auto')).toThrow('fp16 (onnx/model_fp16.onnx), int8 (onnx/model_int8.onnx); set the dtype option');
  });

  it('a dtype named in config.json whose file is missing is an error naming the file', () => {
    const dir = folder({ ...tokenizer, 'config.json': config('q4'), 'onnx/model_fp16.onnx': null });
    expect(() => resolveModelFiles(dir, 'auto')).toThrow(ModelFormatError);
    expect(() => resolveModelFiles(dir, 'auto')).toThrow(join(dir, 'onnx', 'model_q4.onnx'));
    const unknown = folder({ ...tokenizer, 'config.json': config('fp8'), 'onnx/model_fp16.onnx': null });
    expect(() => resolveModelFiles(unknown, 'auto')).toThrow(`${join(unknown, 'config.json')}: transformers.js_config.dtype "fp8" is not one of`);
  });

  it('an explicit dtype loads its file, or names the missing one', () => {
    const dir = folder({ ...tokenizer, 'onnx/model.onnx': null, 'onnx/model_bnb4.onnx': null });
    expect(resolveModelFiles(dir, 'bnb4')).toMatchObject({ dtype: 'bnb4', onnxPath: join(dir, 'onnx', 'model_bnb4.onnx') });
    expect(() => resolveModelFiles(dir, 'uint8')).toThrow(BackendOptionError);
    expect(() => resolveModelFiles(dir, 'uint8')).toThrow(`uint8 needs ${join(dir, 'onnx', 'model_uint8.onnx')}, which does not exist; this folder has fp32 (onnx/model.onnx), bnb4 (onnx/model_bnb4.onnx)`);
  });

  it('a folder without ONNX files, tokenizer files or valid JSON is a ModelFormatError naming what is wrong', () => {
    const empty = folder({ ...tokenizer });
    expect(() => resolveModelFiles(empty, 'auto')).toThrow(`${empty}: no ONNX model`);
    const noTokenizer = folder({ 'tokenizer_config.json': '{}', 'onnx/model.onnx': null });
    expect(() => resolveModelFiles(noTokenizer, 'auto')).toThrow(`${join(noTokenizer, 'tokenizer.json')}: missing`);
    const noTokenizerConfig = folder({ 'tokenizer.json': '{}', 'onnx/model.onnx': null });
    expect(() => resolveModelFiles(noTokenizerConfig, 'auto')).toThrow(`${join(noTokenizerConfig, 'tokenizer_config.json')}: missing`);
    const badJson = folder({ ...tokenizer, 'config.json': '{oops', 'onnx/model.onnx': null });
    expect(() => resolveModelFiles(badJson, 'auto')).toThrow(`${join(badJson, 'config.json')}: not valid JSON`);
  });

  it('a missing path is ModelNotFoundError', () => {
    expect(() => resolveModelFiles(join(root, 'nothing-here'), 'auto')).toThrow(ModelNotFoundError);
  });
});

describe('resolveModelFiles: bare .onnx files', () => {
  it('finds the tokenizer in the file’s folder or its parent', () => {
    const flat = folder({ ...tokenizer, 'decoder.onnx': null });
    expect(resolveModelFiles(join(flat, 'decoder.onnx'), 'auto')).toMatchObject({ folder: flat, onnxFile: 'decoder.onnx', dtype: null });
    const nested = folder({ ...tokenizer, 'config.json': '{"vocab_size":8}', 'onnx/model_fp16.onnx': null });
    expect(resolveModelFiles(join(nested, 'onnx', 'model_fp16.onnx'), 'auto')).toMatchObject({ folder: nested, onnxFile: 'onnx/model_fp16.onnx', dtype: 'fp16', config: { vocab_size: 8 } });
  });

  it('refuses a file without tokenizer, a non-.onnx file and a dtype other than auto', () => {
    const lonely = folder({ 'sub/decoder.onnx': null });
    expect(() => resolveModelFiles(join(lonely, 'sub', 'decoder.onnx'), 'auto')).toThrow(`${join(lonely, 'sub', 'tokenizer.json')}: missing`);
    const other = folder({ ...tokenizer, 'weights.bin': null });
    expect(() => resolveModelFiles(join(other, 'weights.bin'), 'auto')).toThrow(ModelFormatError);
    const flat = folder({ ...tokenizer, 'decoder.onnx': null });
    expect(() => resolveModelFiles(join(flat, 'decoder.onnx'), 'fp16')).toThrow(BackendOptionError);
  });
});
