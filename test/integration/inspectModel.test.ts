/**
 * inspectModel on the reference models in ../shared (SLMBENCH_SHARED) and on damaged copies of them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { inspectModel } from '../../harness/model/inspectModel.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const STORIES_GGUF = ['models', 'stories260K', 'gguf', 'stories260K-f32.gguf'];
const LLAMA2_GGUF = ['models', 'llama-2-tiny-random', 'gguf', 'llama-2-tiny-random.gguf'];

let root: string;
beforeAll(() => {
  root = tempDir('inspect');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe.skipIf(!hasShared)(`inspectModel on shared models${hasShared ? '' : ` (${sharedSkipReason})`}`, () => {
  it('stories260K GGUF: F32 llama, 260,032 parameters', async () => {
    const record = await inspectModel(sharedPath(...STORIES_GGUF));
    expect(record).toMatchObject({
      path: sharedPath(...STORIES_GGUF),
      format: 'gguf',
      name: 'tinyllamas-stories-260k',
      arch: 'llama',
      quant: 'F32',
      contextLength: 512,
      vocabSize: 512,
      sha256: 'de0863976f77aa20ff0fd321cc2a4d2a030bf29666866e14f6d5786b501978f1',
      sizeBytes: 1185376,
      tensorTypes: { F32: 48 },
      details: { layers: 5, hiddenSize: 64, heads: 8, kvHeads: 4, ffnSize: 172, ropeTheta: null, experts: null },
    });
    // The GGUF's 48 tensors hold 292,800 elements: token_embd 64×512 = 32,768; per layer q 4,096 + k 2,048
    // + v 2,048 + o 4,096 + gate/up/down 3×11,008 + two norms 128 = 45,440, ×5 = 227,200; output_norm 64;
    // output 64×512 = 32,768. output.weight is byte-identical to token_embd.weight (the tied embedding
    // stored twice), so it counts once: 292,800 − 32,768 = 260,032, the model card's number.
    expect(record.paramsStored).toBe(292800);
    expect(record.params).toBe(260032);
    expect(record.files).toEqual([
      { path: 'stories260K-f32.gguf', sizeBytes: 1185376, sha256: 'de0863976f77aa20ff0fd321cc2a4d2a030bf29666866e14f6d5786b501978f1' },
    ]);
  });

  it('llama-2-tiny-random GGUF: F16 (file type 1), 513,048 parameters, untied head', async () => {
    const record = await inspectModel(sharedPath(...LLAMA2_GGUF));
    expect(record).toMatchObject({
      format: 'gguf',
      arch: 'llama',
      quant: 'F16',
      params: 513048,
      paramsStored: 513048,
      vocabSize: 32000,
      contextLength: 4096,
      sha256: '81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb',
      sizeBytes: 1750560,
      tensorTypes: { F16: 9, F32: 3 },
      details: { layers: 1, hiddenSize: 8, heads: 2, kvHeads: 2, ffnSize: 32 },
    });
  });

  it('stories260K transformers.js folder: fp32 ONNX, parameters from the initializers', async () => {
    const folder = sharedPath('models', 'stories260K', 'transformersjs');
    const record = await inspectModel(folder);
    expect(record).toMatchObject({
      path: folder,
      format: 'transformers-js',
      name: 'stories260K',
      arch: 'llama',
      architectureClass: 'LlamaForCausalLM',
      quant: 'fp32',
      contextLength: 512,
      vocabSize: 512,
      sha256: '999d030c98cdef465bff850d335a3b926ff89cb0ba08113967738886eb2372b5',
      tensorTypes: { float32: 53, int64: 16 },
      details: { layers: 5, hiddenSize: 64, heads: 8, kvHeads: 4, ffnSize: 172, ropeTheta: 10000 },
    });
    // Initializers hold 292,850 elements: the 292,800 weights of the GGUF (the LM head `wclsT` is the
    // embedding transposed for MatMul), 8 float constants (inv_freq [4], eps, scale, 0, −1) and 42 int64
    // shape/axis constants. Parameters: the float initializers (292,808) minus the tied copy (32,768) =
    // 260,040, i.e. the GGUF's 260,032 plus the 8 float constants, which no type rule can tell from weights.
    expect(record.paramsStored).toBe(292850);
    expect(record.params).toBe(260040);
    expect(record.onnx).toMatchObject({ irVersion: 8, opsets: { 'ai.onnx': 17 }, outputs: expect.arrayContaining(['logits', 'present.4.value']) });
    expect(record.onnx!.inputs.slice(0, 3)).toEqual(['input_ids', 'attention_mask', 'position_ids']);
    expect(record.files!.map((f) => f.path)).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(record.files!.find((f) => f.path === 'onnx/model.onnx')).toEqual({
      path: 'onnx/model.onnx',
      sizeBytes: 1193617,
      sha256: '999d030c98cdef465bff850d335a3b926ff89cb0ba08113967738886eb2372b5',
    });
    expect(record.sizeBytes).toBe(record.files!.reduce((sum, f) => sum + f.sizeBytes, 0));
  });

  it('tiny-random-LlamaForCausalLM-fp16 folder: float16 initializers, rotary caches not counted', async () => {
    const record = await inspectModel(sharedPath('models', 'tiny-random-LlamaForCausalLM-fp16'));
    expect(record).toMatchObject({
      format: 'transformers-js',
      arch: 'llama',
      quant: 'fp16',
      vocabSize: 32000,
      contextLength: 2048,
      sha256: '28342cb6687449e6eb5c162d63b17887a96b0cc8b30bc0cdffaae1d3549b2324',
      tensorTypes: { float16: 23 },
      onnx: { opsets: { 'ai.onnx': 14, 'com.microsoft': 1 } },
    });
    // 1,065,040 stored = 1,032,272 parameters (the README's number) + cos_cache and sin_cache [2048, 8]
    // each, inputs 2 and 3 of com.microsoft RotaryEmbedding.
    expect(record.paramsStored).toBe(1065040);
    expect(record.params).toBe(1032272);
    expect(record.onnx!.operators['com.microsoft:RotaryEmbedding']).toBe(4);
  });

  it('a bare .onnx file inside a transformers.js folder reads the folder config', async () => {
    const path = sharedPath('models', 'llama-2-tiny-random', 'transformersjs', 'onnx', 'model.onnx');
    const record = await inspectModel(path);
    expect(record).toMatchObject({
      format: 'onnx',
      arch: 'llama',
      vocabSize: 32000,
      contextLength: 4096,
      quant: 'fp32',
      sha256: 'a56976c2568aa81eb5fb21ac95231adcfd40bcde4fef23f9b1de14b1337e4161',
      sizeBytes: 2058618,
      // 513,048 GGUF weights (head untied: its values differ from the embedding) + 6 float constants.
      params: 513054,
    });
    expect(record.files).toHaveLength(1);
  });

  it('a truncated GGUF (first half of stories260K) is a ModelFormatError that says so', async () => {
    const bytes = readFileSync(sharedPath(...STORIES_GGUF));
    const half = join(root, 'half.gguf');
    writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await rejection(inspectModel(half));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).message).toBe(
      `${half}: truncated or damaged GGUF file: the data of tensor "output.weight" ends at byte 1185376 but the file has only 592688 bytes`,
    );
  });

  it('a GGUF cut inside its header is a ModelFormatError that says so', async () => {
    const bytes = readFileSync(sharedPath(...LLAMA2_GGUF));
    const head = join(root, 'head.gguf');
    writeFileSync(head, bytes.subarray(0, 100_000));
    const error = await rejection(inspectModel(head));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).message).toMatch(/^.*head\.gguf: truncated or damaged GGUF file: its header .* ends at byte \d+ but the file has only 100000 bytes$/);
  });

  it('a GGUF missing its last byte is caught', async () => {
    const bytes = readFileSync(sharedPath(...STORIES_GGUF));
    const cut = join(root, 'cut.gguf');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 1));
    expect(await rejection(inspectModel(cut))).toBeInstanceOf(ModelFormatError);
  });
});

describe('inspectModel on bad inputs', () => {
  it('a missing path is a ModelNotFoundError', async () => {
    const error = await rejection(inspectModel(join(root, 'missing.gguf')));
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as ModelNotFoundError).code).toBe('MODEL_NOT_FOUND');
  });

  it('a text file named x.gguf is a ModelFormatError showing its first bytes', async () => {
    const path = join(root, 'x.gguf');
    writeFileSync(path, 'this is not a model\n');
    const error = await rejection(inspectModel(path));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).message).toBe(`${path}: not a GGUF file: expected the magic "GGUF" (47 47 55 46), found "this" (74 68 69 73)`);
  });

  it('random bytes named .onnx are a ModelFormatError naming the file', async () => {
    const path = join(root, 'random.onnx');
    // Deterministic "random" bytes: sha256 chained, 64 KiB.
    const blocks: Buffer[] = [];
    let block = createHash('sha256').update('slmbench').digest();
    for (let i = 0; i < 2048; i++) {
      blocks.push(block);
      block = createHash('sha256').update(block).digest();
    }
    writeFileSync(path, Buffer.concat(blocks));
    const error = await rejection(inspectModel(path));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).code).toBe('MODEL_FORMAT');
    expect((error as ModelFormatError).message.startsWith(`${path}: not a valid ONNX model`)).toBe(true);
  });
});
