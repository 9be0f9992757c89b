/**
 * `slmbench convert`: GGUF → transformers.js folder. The shared reference models convert into folders on
 * which both ONNX backends reproduce every golden greedy case and whose tokenizer gives llama.cpp's ids;
 * forged Q8_0/Q4_0 GGUFs convert into ONNX models computing exactly what llama.cpp computes from the
 * dequantized weights; unsupported inputs fail with exit code 2.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendDefinition, LoadedModel } from '../../adapters/types.js';
import { convertGgufToTransformersJs } from '../../harness/convert/convertGgufToTransformersJs.js';
import { ModelFormatError } from '../../harness/errors.js';
import { buildForgeVocabulary } from '../../harness/forge/buildForgeVocabulary.js';
import { buildGgufMetadata } from '../../harness/forge/buildGgufMetadata.js';
import { encodeGgufHeader } from '../../harness/forge/encodeGgufHeader.js';
import { forgeModel } from '../../harness/forge/forgeModel.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { runCli } from '../helpers/cli.js';
import { writeDequantizedTiny } from '../helpers/dequantizedTiny.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const { backendRegistry } = await import('../../adapters/registry.js');
const definition = (id: string): BackendDefinition => backendRegistry.find((d) => d.id === id)!;

async function load(id: string, path: string, options: Record<string, unknown> = {}): Promise<LoadedModel> {
  const def = definition(id);
  return (await def.create()).load(await detectModelFormat(path), def.optionsSchema.parse(options), { requiredContext: 256 });
}

async function greedy(model: LoadedModel, promptTokenIds: number[], maxNewTokens: number): Promise<number[]> {
  const out: number[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens, ignoreEos: true })) out.push(...event.tokenIds);
  return out;
}

const TRICKY = [
  'Hello world',
  ' leading space',
  'trailing space ',
  '  multiple   spaces  ',
  'digits 0123456789 and 3.14159, 1,000,000',
  'punctuation: !?.,;:\'"()[]{}<>@#$%^&*-_=+/\\|`~',
  'line one\nline two\r\n\ttabbed\n\n',
  'accents: café naïve Ünïcödé résumé',
  'emoji 😀👍🏽 done 🦙',
  '中文字符 日本語',
  'Once upon a time, there was a little girl named Lily.',
  "It's the dog's toy; they're here.",
];

interface Golden {
  max_new_tokens: number;
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[] }[];
}

const dir = tempDir('convert');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasShared)(`convert: shared reference models${hasShared ? '' : ` (${sharedSkipReason})`}`, () => {
  for (const [name, gguf] of [
    ['stories260K', 'models/stories260K/gguf/stories260K-f32.gguf'],
    ['llama-2-tiny-random', 'models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf'],
  ] as const) {
    describe(name, () => {
      let folder: string;
      let llama: LoadedModel;

      beforeAll(async () => {
        folder = join(dir, name);
        const result = await convertGgufToTransformersJs({ ggufPath: sharedPath(gguf), outDir: folder });
        expect(result.record.source.name.length).toBeGreaterThan(0);
        llama = await load('llama-cpp', sharedPath(gguf), { kvCacheType: 'f32', flashAttention: false, threads: 1 });
      });

      afterAll(async () => {
        await llama?.dispose();
      });

      it('reproduces every golden case on onnxruntime and transformers-js', async () => {
        const golden = JSON.parse(readFileSync(sharedPath('models', name, 'golden_greedy.json'), 'utf8')) as Golden;
        for (const id of ['onnxruntime', 'transformers-js']) {
          const model = await load(id, folder);
          try {
            for (const c of golden.cases) {
              expect(await model.tokenize(c.prompt, { addBos: true }), `${id} ${JSON.stringify(c.prompt)}`).toEqual(c.prompt_ids);
              expect(await greedy(model, c.prompt_ids, golden.max_new_tokens), `${id} ${JSON.stringify(c.prompt)}`).toEqual(c.greedy_ids);
            }
          } finally {
            await model.dispose();
          }
        }
      });

      it("tokenizes tricky strings as llama.cpp does", async () => {
        const onnx = await load('onnxruntime', folder);
        try {
          for (const text of TRICKY) {
            const ids = await llama.tokenize(text, { addBos: true });
            expect(await onnx.tokenize(text, { addBos: true }), JSON.stringify(text)).toEqual(ids);
            expect(await onnx.detokenize(ids.slice(1)), JSON.stringify(text)).toBe(await llama.detokenize(ids.slice(1)));
          }
        } finally {
          await onnx.dispose();
        }
      });
    });
  }
});

/** Next-token log-probabilities (full vocabulary) from llama.cpp with an f32 KV cache and no flash attention. */
async function llamaCppLogProbs(ggufPath: string, ids: number[]): Promise<Float64Array> {
  const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: ggufPath });
  const context = await model.createContext({
    contextSize: 256,
    threads: 1,
    flashAttention: false,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
  } as never);
  try {
    const input = ids.map((t, i) => (i === ids.length - 1 ? ([t as Token, { generateNext: { probabilities: true } }] as const) : (t as Token)));
    const outputs = await context.getSequence().controlledEvaluate(input as never);
    const probabilities = outputs[ids.length - 1]?.next?.probabilities;
    if (!probabilities) throw new Error('no probabilities');
    const out = new Float64Array(FORGE_PRESETS.tiny.vocabSize).fill(Number.NaN);
    for (const [token, p] of probabilities) out[token as number] = Math.log(p);
    return out;
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

/** Next-token log-probabilities (full vocabulary) of the tiny-preset ONNX decoder at `path`, one forward pass. */
async function onnxLogProbs(path: string, ids: number[]): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
    };
    for (let i = 0; i < FORGE_PRESETS.tiny.numLayers; i++) {
      for (const kind of ['key', 'value']) feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, 2, 0, 16]);
    }
    const logits = ((await session.run(feeds)).logits!.data as Float32Array).subarray((ids.length - 1) * 360, ids.length * 360);
    let max = -Infinity;
    for (const v of logits) max = Math.max(max, v);
    let sum = 0;
    for (const v of logits) sum += Math.exp(v - max);
    return Float64Array.from(logits, (v) => v - max - Math.log(sum));
  } finally {
    await session.release();
  }
}


describe('convert: forged Q8_0 and Q4_0 GGUFs', () => {
  let forgedDir: string;
  const prompts = ['Hello world, once upon a time', 'The quick brown fox jumps over 13 lazy dogs.'];

  beforeAll(async () => {
    forgedDir = join(dir, 'forged');
    await forgeModel({ outDir: forgedDir, preset: 'tiny', formats: ['Q8_0', 'Q4_0'] });
  });

  it.each(['Q8_0', 'Q4_0'] as const)('%s: the ONNX computes what llama.cpp computes from the dequantized weights', async (type) => {
    const folder = join(dir, `converted-${type}`);
    const result = await convertGgufToTransformersJs({ ggufPath: join(forgedDir, `model-${type}.gguf`), outDir: folder });
    expect(result.record.tensorTypes).toEqual({ [type]: 16, F32: 5 });
    // The reference: an all-F32 GGUF of the dequantized weights, for llama.cpp without activation quantization.
    const reference = join(dir, `dequantized-${type}.gguf`);
    writeDequantizedTiny(reference, type);

    const onnx = await load('onnxruntime', folder, { intraOpThreads: 1 });
    const quantized = await load('llama-cpp', join(forgedDir, `model-${type}.gguf`), { kvCacheType: 'f32', flashAttention: false, threads: 1 });
    try {
      for (const prompt of prompts) {
        const ids = await onnx.tokenize(prompt, { addBos: true });
        expect(await quantized.tokenize(prompt, { addBos: true })).toEqual(ids);
        // Full next-token distribution against llama.cpp on the dequantized weights.
        const want = await llamaCppLogProbs(reference, ids);
        const got = await onnxLogProbs(join(folder, 'onnx/model.onnx'), ids);
        expect(want.length).toBe(360);
        let worst = 0;
        got.forEach((lp, v) => (worst = Math.max(worst, Math.abs(lp - want[v]!))));
        expect(worst, prompt).toBeLessThan(1e-4);
        // Greedy ids against llama.cpp on the quantized GGUF itself (which also rounds activations to
        // 8 bits): equal up to the first near tie.
        const onnxIds = await greedy(onnx, ids, 16);
        const llamaIds = await greedy(quantized, ids, 16);
        const first = onnxIds.findIndex((t, i) => t !== llamaIds[i]);
        if (first >= 0) {
          const context = [...ids, ...onnxIds.slice(0, first)];
          const [a, b] = await Promise.all([onnx.score!(context, [onnxIds[first]!]), onnx.score!(context, [llamaIds[first]!])]);
          const margin = a.logprobs[0]! - b.logprobs[0]!;
          console.warn(`convert ${type}: greedy ids differ from llama.cpp's at step ${first}; ONNX log-prob margin there ${margin.toExponential(3)}`);
          // llama.cpp's 8-bit activations move log-probabilities by up to ~0.1 on this model.
          expect(margin, `${type} ${prompt}: a difference only at a near tie`).toBeLessThan(0.2);
        }
      }
    } finally {
      await onnx.dispose();
      await quantized.dispose();
    }
  });
});

describe('convert: refused inputs', () => {
  it('refuses a non-llama architecture with ModelFormatError', async () => {
    const dims = FORGE_PRESETS.tiny;
    const metadata = buildGgufMetadata(dims, buildForgeVocabulary(dims.vocabSize), 'F32', 'x', 'x').map(
      ([key, value]) => (key === 'general.architecture' ? ([key, { type: 'string', value: 'gpt2' }] as const) : ([key, value] as const)),
    );
    const header = encodeGgufHeader(metadata, [{ name: 'token_embd.weight', dims: [64, 360], type: 'F32' }]);
    const path = join(dir, 'gpt2.gguf');
    writeFileSync(path, Buffer.concat([header.bytes, new Uint8Array(header.dataBytes)]));
    const attempt = convertGgufToTransformersJs({ ggufPath: path, outDir: join(dir, 'gpt2') });
    await expect(attempt).rejects.toBeInstanceOf(ModelFormatError);
    await expect(convertGgufToTransformersJs({ ggufPath: path, outDir: join(dir, 'gpt2') })).rejects.toThrow(/architecture "gpt2" is not supported/);
    // Through the real CLI: one line naming the file and the architecture, exit code 2.
    const cli = await runCli(['convert', path, join(dir, 'gpt2-cli')]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^slmbench: .*gpt2\.gguf: architecture "gpt2" is not supported: slmbench convert reads the llama architecture only\n$/);
    const missing = await runCli(['convert', join(dir, 'missing.gguf'), join(dir, 'missing-out')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/model not found: .*missing\.gguf/);
  });
});
