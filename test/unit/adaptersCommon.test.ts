import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../adapters/common/argmax.js';
import { checkTokenIds } from '../../adapters/common/checkTokenIds.js';
import { configSizes } from '../../adapters/common/configSizes.js';
import { firstLine } from '../../adapters/common/firstLine.js';
import { logSoftmaxAt } from '../../adapters/common/logSoftmaxAt.js';
import { ONNX_DTYPE_FILES, ONNX_DTYPES, onnxDtypeOfFileName } from '../../adapters/formats/transformers-js/onnxFiles.js';
import { resolveOnnxDtype } from '../../adapters/formats/transformers-js/resolveOnnxDtype.js';
import { resolveThreadCount } from '../../adapters/common/resolveThreadCount.js';
import { scoreContinuation } from '../../adapters/common/scoreContinuation.js';
import { BackendOptionError, ModelFormatError, WorkloadError } from '../../harness/errors.js';
import { tempDir } from '../helpers/tempDir.js';

describe('firstLine', () => {
  it('takes the first non-blank line, trimmed and without ANSI colours', () => {
    const esc = String.fromCharCode(27);
    expect(firstLine(new Error(`${esc}[1;31m  load failed: no such file ${esc}[m\nstack`))).toBe('load failed: no such file');
    expect(firstLine(new Error('\n\n  second line\nthird'))).toBe('second line');
    expect(firstLine('plain string')).toBe('plain string');
    expect(firstLine(new Error(''))).toBe('');
  });

  it('passes a SlmbenchError message through whole', () => {
    const error = new WorkloadError('generate: token id 9 is outside the vocabulary of 8');
    expect(firstLine(error)).toBe(error.message);
  });
});

describe('onnx dtypes', () => {
  it('maps every dtype to a file under onnx/ and back', () => {
    for (const dtype of ONNX_DTYPES) {
      expect(ONNX_DTYPE_FILES[dtype]).toMatch(/^onnx\/model(_[a-z0-9]+)?\.onnx$/);
      expect(onnxDtypeOfFileName(ONNX_DTYPE_FILES[dtype].slice('onnx/'.length))).toBe(dtype);
    }
    expect(onnxDtypeOfFileName('model_merged.onnx')).toBeNull();
  });
});

describe('resolveOnnxDtype', () => {
  let root: string;
  let count = 0;
  /** A fresh folder holding the given files (paths relative to it; `null` content = empty file). */
  function folder(files: Record<string, string | null>): string {
    const dir = join(root, `m${count++}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content ?? '');
    }
    return dir;
  }
  const config = (dtype: unknown) => JSON.stringify({ 'transformers.js_config': { dtype } });

  beforeAll(() => {
    root = tempDir('dtype');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('says why it chose each file', () => {
    const both = folder({ 'onnx/model.onnx': null, 'onnx/model_q4.onnx': null, 'config.json': config('q4') });
    expect(resolveOnnxDtype(both, 'auto', 'b')).toEqual({ dtype: 'fp32', file: join(both, 'onnx', 'model.onnx'), reason: 'model.onnx present' });
    expect(resolveOnnxDtype(both, 'q4', 'b')).toEqual({ dtype: 'q4', file: join(both, 'onnx', 'model_q4.onnx'), reason: 'requested' });
    const named = folder({ 'onnx/model_fp16.onnx': null, 'onnx/model_q4.onnx': null, 'config.json': config({ model: 'q4' }) });
    expect(resolveOnnxDtype(named, 'auto', 'b')).toMatchObject({ dtype: 'q4', reason: 'config.json' });
    const only = folder({ 'onnx/model_uint8.onnx': null, 'onnx/model_uint8.onnx_data': null });
    expect(resolveOnnxDtype(only, 'auto', 'b')).toMatchObject({ dtype: 'uint8', reason: 'only model file' });
    const unnamed = folder({ 'onnx/model_merged.onnx': null });
    expect(resolveOnnxDtype(unnamed, 'auto', 'b')).toEqual({ dtype: null, file: join(unnamed, 'onnx', 'model_merged.onnx'), reason: 'only model file' });
  });

  it('a requested dtype whose file is missing is a BackendOptionError of the calling backend', () => {
    const dir = folder({ 'onnx/model.onnx': null });
    expect(() => resolveOnnxDtype(dir, 'fp16', 'transformers-js')).toThrow(BackendOptionError);
    expect(() => resolveOnnxDtype(dir, 'fp16', 'transformers-js')).toThrow(
      `backend transformers-js, option dtype: fp16 needs ${join(dir, 'onnx', 'model_fp16.onnx')}, which does not exist`,
    );
  });

  it('a config.json dtype whose file is missing is a ModelFormatError, even when one other file is there', () => {
    const dir = folder({ 'onnx/model_fp16.onnx': null, 'config.json': config('q4') });
    expect(() => resolveOnnxDtype(dir, 'auto', 'b')).toThrow(ModelFormatError);
    expect(() => resolveOnnxDtype(dir, 'auto', 'b')).toThrow(`${join(dir, 'onnx', 'model_q4.onnx')}: missing: config.json names dtype q4`);
  });
});

describe('scoring and workload rules', () => {
  it('argmax takes the highest value, the lowest index on ties', () => {
    expect(argmax([0, 3, 1, 3], 0, 4)).toBe(1);
    expect(argmax([9, 9, 0, 2, 2], 2, 3)).toBe(1);
    expect(argmax([Number.NaN, Number.NaN], 0, 2)).toBe(0);
  });

  it('logSoftmaxAt agrees with argmax on ties', () => {
    expect(logSoftmaxAt([1, 5, 5], 0, 3, 1).isArgmax).toBe(true);
    expect(logSoftmaxAt([1, 5, 5], 0, 3, 2).isArgmax).toBe(false);
    expect(logSoftmaxAt([0, 0], 0, 2, 1).logprob).toBeCloseTo(Math.log(0.5), 15);
  });

  it('scoreContinuation reads token i at position context + i − 1', () => {
    const seen: [number, number][] = [];
    const result = scoreContinuation(3, [7, 8], (position, token) => {
      seen.push([position, token]);
      return { logprob: -position, isArgmax: token === 7 };
    });
    expect(seen).toEqual([[2, 7], [3, 8]]);
    expect(result).toEqual({ logprobs: [-2, -3], isGreedy: false });
    expect(scoreContinuation(1, [], () => ({ logprob: 0, isArgmax: false }))).toEqual({ logprobs: [], isGreedy: true });
  });

  it('checkTokenIds names the bad id or the lengths', () => {
    const model = { vocabSize: 10, contextLength: 8 };
    expect(() => checkTokenIds('generate', [1, 2, 3], 5, model)).not.toThrow();
    expect(() => checkTokenIds('generate', [1, 10], 1, model)).toThrow(new WorkloadError('generate: token id 10 is outside the vocabulary of 10'));
    expect(() => checkTokenIds('generate', [1, 2, 3], 6, model)).toThrow("generate: 3 tokens + 6 new exceed the model's context of 8");
    expect(() => checkTokenIds('score', [1, 2, 3], 0, { vocabSize: 10, contextLength: 0 })).not.toThrow();
  });
});

describe('model config and options', () => {
  it('configSizes reads vocab_size and the context length', () => {
    expect(configSizes({ vocab_size: 512, max_position_embeddings: 256, n_positions: 1024 })).toEqual({ vocabSize: 512, contextLength: 256 });
    expect(configSizes({ vocab_size: 0, n_positions: 1024 })).toEqual({ vocabSize: null, contextLength: 1024 });
    expect(configSizes(null)).toEqual({ vocabSize: null, contextLength: 0 });
  });

  it('resolveThreadCount: auto = logical cores − 1, at least 1', () => {
    expect(resolveThreadCount('auto')).toBe(Math.max(1, availableParallelism() - 1));
    expect(resolveThreadCount(3)).toBe(3);
  });
});
