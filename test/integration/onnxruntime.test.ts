/**
 * The onnxruntime backend on real models from ../shared: golden greedy ids, the fp16 KV path against a
 * full recomputation, scoring against an independent forward pass, and bad inputs. Tiny synthetic ONNX
 * graphs (a non-decoder and a cache-less bigram decoder) are written by the test itself.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import definition, { type OnnxRuntimeOptions } from '../../adapters/onnxruntime/index.js';
import type { Adapter, LoadedModel } from '../../adapters/types.js';
import {
  BackendOptionError,
  BackendUnavailableError,
  ModelFormatError,
  ModelNotFoundError,
  WorkloadError,
} from '../../harness/errors.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';
import { loadInChild } from '../helpers/loadInChild.js';

interface Golden {
  max_new_tokens: number;
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string }[];
}

/** One thread: the tests run on 2 cores, and the independent forward pass must use the same numerics. */
const options: OnnxRuntimeOptions = definition.optionsSchema.parse({ intraOpThreads: 1 });

async function generateAll(model: LoadedModel, promptTokenIds: number[], maxNewTokens: number, ignoreEos = true) {
  const ids: number[] = [];
  const times: number[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens, ignoreEos })) {
    expect(event.tokenIds).toHaveLength(1);
    ids.push(event.tokenIds[0]!);
    times.push(event.time);
  }
  return { ids, times };
}

function readGolden(model: string): Golden {
  return JSON.parse(readFileSync(sharedPath('models', model, 'golden_greedy.json'), 'utf8')) as Golden;
}

describe.skipIf(!hasShared)(`onnxruntime backend on ../shared models${hasShared ? '' : ` — ${sharedSkipReason}`}`, () => {
  let adapter: Adapter<OnnxRuntimeOptions>;
  let scratch: string;

  beforeAll(async () => {
    adapter = await definition.create();
    scratch = tempDir('ort');
  });
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('reports the package and runtime versions', async () => {
    const require = createRequire(import.meta.url);
    const { version } = JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string };
    expect(await adapter.versions()).toEqual({ 'onnxruntime-node': version, onnxruntime: version });
  });

  for (const name of ['stories260K', 'llama-2-tiny-random']) {
    describe(`${name}: golden greedy ids`, () => {
      const golden = hasShared ? readGolden(name) : { max_new_tokens: 0, cases: [] };
      let model: LoadedModel;
      beforeAll(async () => {
        model = await adapter.load({ path: sharedPath('models', name, 'transformersjs'), format: 'transformers-js' }, options);
      });
      afterAll(async () => model?.dispose());

      for (const [index, testCase] of golden.cases.entries()) {
        it(`case ${index} ${JSON.stringify(testCase.prompt)}: prompt ids and ${golden.max_new_tokens} greedy ids`, async () => {
          const promptIds = await model.tokenize(testCase.prompt, { addBos: true });
          expect(promptIds).toEqual(testCase.prompt_ids);
          const { ids, times } = await generateAll(model, promptIds, golden.max_new_tokens);
          expect(ids).toEqual(testCase.greedy_ids);
          for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
        });
      }

      it('tokenizes without BOS when addBos is false', async () => {
        const withBos = golden.cases.find((c) => c.prompt !== '')!;
        expect(await model.tokenize(withBos.prompt, { addBos: false })).toEqual(withBos.prompt_ids.slice(1));
        expect(await model.tokenize('', { addBos: false })).toEqual([]);
      });
    });
  }

  describe('stories260K: info, options, scoring', () => {
    let model: LoadedModel;
    let reference: ort.InferenceSession;
    const folder = () => sharedPath('models', 'stories260K', 'transformersjs');
    beforeAll(async () => {
      model = await adapter.load({ path: folder(), format: 'transformers-js' }, options);
      reference = await ort.InferenceSession.create(join(folder(), 'onnx', 'model.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    });
    afterAll(async () => {
      await model?.dispose();
      await reference?.release();
    });

    /** ln softmax of every position's logits, from one plain forward pass of the reference session. */
    async function referenceLogprobs(ids: number[]): Promise<number[][]> {
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from(ids, () => 1n), [1, ids.length]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
      };
      for (let layer = 0; layer < 5; layer++) {
        for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
      }
      const logits = (await reference.run(feeds))['logits']!;
      const vocab = 512;
      expect(logits.dims).toEqual([1, ids.length, vocab]);
      const data = logits.data as Float32Array;
      return ids.map((_, position) => {
        const row = Array.from(data.subarray(position * vocab, (position + 1) * vocab));
        const max = Math.max(...row);
        const logSum = Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
        return row.map((v) => v - max - logSum);
      });
    }

    it('reports what it resolved', async () => {
      expect(model.info).toEqual({
        vocabSize: 512,
        contextLength: 512,
        bosTokenId: 1,
        eosTokenIds: [2],
        resolvedOptions: {
          intraOpThreads: 1,
          interOpThreads: 1,
          graphOptimizationLevel: 'all',
          executionProviders: ['cpu'],
          enableMemPattern: true,
          enableCpuMemArena: true,
          dtype: 'fp32',
          modelFile: 'onnx/model.onnx',
          kvCache: true,
          elementType: 'float32',
          kvCacheElementType: 'float32',
        },
        tokenHandover: 'stream',
        device: 'cpu',
        weightsFile: join(folder(), 'onnx', 'model.onnx'),
        kvBytesPerElement: 4,
        loadPhasesMs: { session: expect.any(Number), tokenizer: expect.any(Number) },
        gpus: [],
      });
    });

    it('resolves intraOpThreads auto to logical cores − 1 (at least 1)', async () => {
      const defaults = await adapter.load({ path: folder(), format: 'transformers-js' }, definition.optionsSchema.parse({}));
      try {
        expect(defaults.info.resolvedOptions['intraOpThreads']).toBe(Math.max(1, availableParallelism() - 1));
        const golden = readGolden('stories260K').cases[1]!;
        expect((await generateAll(defaults, golden.prompt_ids, 8)).ids).toEqual(golden.greedy_ids.slice(0, 8));
      } finally {
        await defaults.dispose();
      }
    });

    it('detokenizes the golden continuation to its text', async () => {
      const golden = readGolden('stories260K').cases[0]!;
      expect(await model.detokenize(golden.greedy_ids)).toBe(golden.greedy_text);
      expect(await model.detokenize([])).toBe('');
    });

    it('scores a continuation: each logprob from the row before it, as an independent forward pass gives', async () => {
      const context = await model.tokenize('Once upon a time', { addBos: true });
      const continuation = await model.tokenize(' there was a big dog', { addBos: false });
      const result = await model.score!(context, continuation);
      const reference = await referenceLogprobs([...context, ...continuation]);
      const expected = continuation.map((token, i) => reference[context.length + i - 1]![token]!);
      expect(result.logprobs).toHaveLength(continuation.length);
      result.logprobs.forEach((logprob, i) => expect(logprob).toBe(expected[i]!));
      const sum = result.logprobs.reduce((a, b) => a + b, 0);
      expect(sum).toBe(expected.reduce((a, b) => a + b, 0));
      const greedy = continuation.every((token, i) => {
        const row = reference[context.length + i - 1]!;
        return row.indexOf(Math.max(...row)) === token;
      });
      expect(result.isGreedy).toBe(greedy);
      expect(result.isGreedy).toBe(false);
    });

    it('scores the greedy next token as greedy, with the highest logprob of the vocabulary', async () => {
      const golden = readGolden('stories260K').cases[1]!;
      const next = golden.greedy_ids[0]!;
      const result = await model.score!(golden.prompt_ids, [next]);
      expect(result.isGreedy).toBe(true);
      const row = (await referenceLogprobs([...golden.prompt_ids, next]))[golden.prompt_ids.length - 1]!;
      expect(result.logprobs[0]!).toBe(Math.max(...row));
      expect(row.indexOf(Math.max(...row))).toBe(next);
    });

    it('scores the golden greedy continuation as greedy', async () => {
      const golden = readGolden('stories260K').cases[1]!;
      const result = await model.score!(golden.prompt_ids, golden.greedy_ids);
      expect(result.isGreedy).toBe(true);
      expect(result.logprobs).toHaveLength(golden.greedy_ids.length);
    });

    it('frees the cache when the consumer stops early, and the next request starts afresh', async () => {
      const golden = readGolden('stories260K').cases[1]!;
      const taken: number[] = [];
      for await (const event of model.generate({ promptTokenIds: golden.prompt_ids, maxNewTokens: 64, ignoreEos: true })) {
        taken.push(...event.tokenIds);
        if (taken.length === 3) break;
      }
      expect(taken).toEqual(golden.greedy_ids.slice(0, 3));
      expect((await generateAll(model, golden.prompt_ids, 64)).ids).toEqual(golden.greedy_ids);
    });

    it('refuses an empty context and ids outside the vocabulary', async () => {
      await expect(model.score!([], [5])).rejects.toThrow(WorkloadError);
      await expect(generateAll(model, [1, 512], 1)).rejects.toThrow(/token id 512 is outside the vocabulary/);
      await expect(generateAll(model, [], 1)).rejects.toThrow(WorkloadError);
    });
  });

  describe('tiny-random-LlamaForCausalLM-fp16', () => {
    let model: LoadedModel;
    const folder = () => sharedPath('models', 'tiny-random-LlamaForCausalLM-fp16');
    beforeAll(async () => {
      model = await adapter.load({ path: folder(), format: 'transformers-js' }, options);
    });
    afterAll(async () => model?.dispose());

    it('loads model_fp16.onnx by dtype auto and reports float16', () => {
      expect(model.info.resolvedOptions).toMatchObject({ dtype: 'fp16', modelFile: 'onnx/model_fp16.onnx', kvCache: true, elementType: 'float16', kvCacheElementType: 'float16' });
      expect(model.info).toMatchObject({ vocabSize: 32000, contextLength: 2048, bosTokenId: 1, eosTokenIds: [1] });
    });

    it('generates 16 tokens whose KV path agrees with a full recomputation', async () => {
      const prompt = await model.tokenize('Once upon a time', { addBos: true });
      expect(prompt).toEqual([1, 9038, 2501, 263, 931]);
      const { ids } = await generateAll(model, prompt, 16);
      expect(ids).toHaveLength(16);
      const rescored = await model.score!(prompt, ids);
      expect(rescored.isGreedy).toBe(true);
      for (const logprob of rescored.logprobs) expect(Number.isFinite(logprob) && logprob < 0).toBe(true);
      // The same prompt again gives the same ids (the cache is per request).
      expect((await generateAll(model, prompt, 16)).ids).toEqual(ids);
    });
  });

  describe('bad inputs', () => {
    const stories = () => sharedPath('models', 'stories260K', 'transformersjs');

    /** A copy of the stories260K folder without the named files (the ONNX copied only when asked). */
    function copyStories(target: string, omit: string[], withOnnx: boolean): string {
      mkdirSync(join(target, 'onnx'), { recursive: true });
      for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', ...(withOnnx ? ['onnx/model.onnx'] : [])]) {
        if (!omit.includes(file)) copyFileSync(join(stories(), file), join(target, file));
      }
      return target;
    }

    it('a folder without tokenizer.json: ModelFormatError naming the file', async () => {
      const folder = copyStories(join(scratch, 'no-tokenizer'), ['tokenizer.json'], true);
      const load = adapter.load({ path: folder, format: 'transformers-js' }, options);
      await expect(load).rejects.toThrow(ModelFormatError);
      await expect(load).rejects.toThrow(join(folder, 'tokenizer.json'));
    });

    it('a corrupt .onnx file: ModelFormatError naming the path', async () => {
      const folder = copyStories(join(scratch, 'corrupt'), [], false);
      const file = join(folder, 'onnx', 'model.onnx');
      writeFileSync(file, pseudoRandomBytes(4096, 7));
      for (const source of [{ path: folder, format: 'transformers-js' as const }, { path: file, format: 'onnx' as const }]) {
        const load = adapter.load(source, options);
        await expect(load).rejects.toThrow(ModelFormatError);
        await expect(load).rejects.toThrow(file);
      }
    });

    it('a graph that is not a decoder: ModelFormatError naming the path', async () => {
      const folder = copyStories(join(scratch, 'identity'), [], false);
      const file = join(folder, 'identity.onnx');
      writeFileSync(file, identityModel());
      const load = adapter.load({ path: file, format: 'onnx' }, options);
      await expect(load).rejects.toThrow(ModelFormatError);
      await expect(load).rejects.toThrow(`${file}: not a decoder: the graph has no input_ids input and no logits output`);
    });

    it('a requested dtype whose file is missing: BackendOptionError naming the file', async () => {
      const load = adapter.load({ path: stories(), format: 'transformers-js' }, { ...options, dtype: 'q4' });
      await expect(load).rejects.toThrow(BackendOptionError);
      await expect(load).rejects.toThrow(join(stories(), 'onnx', 'model_q4.onnx'));
      const fp16 = adapter.load({ path: sharedPath('models', 'tiny-random-LlamaForCausalLM-fp16'), format: 'transformers-js' }, { ...options, dtype: 'fp32' });
      await expect(fp16).rejects.toThrow(/option dtype: fp32 needs .*onnx\/model\.onnx, which does not exist; this folder has fp16 \(onnx\/model_fp16\.onnx\)/);
    });

    it('a dtype other than auto for a bare .onnx file: BackendOptionError', async () => {
      const load = adapter.load({ path: join(stories(), 'onnx', 'model.onnx'), format: 'onnx' }, { ...options, dtype: 'fp16' });
      await expect(load).rejects.toThrow(BackendOptionError);
    });

    it('a missing path: ModelNotFoundError', async () => {
      await expect(adapter.load({ path: join(scratch, 'nowhere'), format: 'onnx' }, options)).rejects.toThrow(ModelNotFoundError);
    });

    it('an unknown option: BackendOptionError', async () => {
      const load = adapter.load({ path: stories(), format: 'transformers-js' }, { ...options, threads: 2 } as OnnxRuntimeOptions);
      await expect(load).rejects.toThrow(BackendOptionError);
    });

    const cudaInstalled = (() => {
      try {
        const require = createRequire(import.meta.url);
        const root = dirname(require.resolve('onnxruntime-node/package.json'));
        return existsSync(join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
      } catch {
        return false;
      }
    })();
    // In a child process: onnxruntime logs its failed library load to the process's stderr, asserted here.
    it.skipIf(cudaInstalled)('execution provider cuda without its binaries: BackendUnavailableError in one line', async () => {
      const { error, stderr } = await loadInChild('onnxruntime', { path: stories(), format: 'transformers-js' }, { intraOpThreads: 1, executionProviders: ['cuda'] });
      expect(error?.name).toBe('BackendUnavailableError');
      expect(error?.message).toMatch(/^backend onnxruntime: execution provider cuda [^\n]*$/);
      expect(stderr).toContain('libonnxruntime_providers_shared.so');
    });
  });

  describe('a graph without a KV cache (no-cache mode)', () => {
    let model: LoadedModel;
    let file: string;
    const vocab = 512;
    beforeAll(async () => {
      const folder = join(scratch, 'bigram');
      mkdirSync(join(folder, 'onnx'), { recursive: true });
      for (const name of ['tokenizer.json', 'tokenizer_config.json', 'config.json']) {
        copyFileSync(sharedPath('models', 'stories260K', 'transformersjs', name), join(folder, name));
      }
      file = join(folder, 'onnx', 'bigram.onnx');
      writeFileSync(file, bigramModel(vocab));
      model = await adapter.load({ path: file, format: 'onnx' }, options);
    });
    afterAll(async () => model?.dispose());

    it('loads a bare .onnx with the tokenizer in the parent folder and labels the mode', () => {
      expect(model.info.resolvedOptions).toMatchObject({ kvCache: false, dtype: null, modelFile: 'onnx/bigram.onnx', elementType: 'float32', kvCacheElementType: null });
      expect(model.info).toMatchObject({ vocabSize: vocab, bosTokenId: 1, eosTokenIds: [2] });
    });

    it('re-runs the sequence each step: the next token is always id + 1', async () => {
      expect((await generateAll(model, [1, 40], 5)).ids).toEqual([41, 42, 43, 44, 45]);
      expect((await generateAll(model, [510], 3)).ids).toEqual([511, 0, 1]);
    });

    it('stops after EOS unless ignoreEos is set', async () => {
      expect((await generateAll(model, [1], 4, false)).ids).toEqual([2]);
      expect((await generateAll(model, [1], 4, true)).ids).toEqual([2, 3, 4, 5]);
      expect((await generateAll(model, [1], 0, true)).ids).toEqual([]);
    });

    it('scores exactly: a row with one logit 1 and the rest 0', async () => {
      const result = await model.score!([7], [8, 9, 3]);
      const top = 1 - Math.log(Math.E + vocab - 1);
      const other = 0 - Math.log(Math.E + vocab - 1);
      expect(result.logprobs[0]!).toBeCloseTo(top, 12);
      expect(result.logprobs[1]!).toBeCloseTo(top, 12);
      expect(result.logprobs[2]!).toBeCloseTo(other, 12);
      expect(result.isGreedy).toBe(false);
      expect((await model.score!([7], [8, 9])).isGreedy).toBe(true);
    });
  });
});

// --- tiny ONNX files, written with a minimal protobuf encoder --------------------------------------

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return bytes;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, payload: ArrayLike<number>) => [...key(field, 2), ...varint(payload.length), ...Array.from(payload)];
const text = (field: number, value: string) => bytes(field, Buffer.from(value, 'utf8'));

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto: a tensor of `elemType` with symbolic (string) or fixed (number) dimensions. */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(opType: string, inputs: string[], outputs: string[]): number[] {
  return [...inputs.flatMap((i) => text(1, i)), ...outputs.flatMap((o) => text(2, o)), ...text(3, `${opType}_0`), ...text(4, opType)];
}

function model(graph: number[]): Uint8Array {
  const opset = [...text(1, ''), ...int(2, 17)];
  return Uint8Array.from([...int(1, 8), ...text(2, 'slmbench-test'), ...bytes(7, graph), ...bytes(8, opset)]);
}

/** x → Identity → y: a valid graph that is no decoder. */
function identityModel(): Uint8Array {
  return model([...bytes(1, node('Identity', ['x'], ['y'])), ...text(2, 'identity'), ...bytes(11, valueInfo('x', FLOAT, [4])), ...bytes(12, valueInfo('y', FLOAT, [4]))]);
}

/** logits = Gather(table, input_ids): token i predicts i + 1 (mod vocab) with logit 1, every other 0. */
function bigramModel(vocab: number): Uint8Array {
  const table = new Float32Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) table[i * vocab + ((i + 1) % vocab)] = 1;
  const initializer = [...int(1, vocab), ...int(1, vocab), ...int(2, FLOAT), ...text(8, 'table'), ...bytes(9, new Uint8Array(table.buffer))];
  return model([
    ...bytes(1, node('Gather', ['table', 'input_ids'], ['logits'])),
    ...text(2, 'bigram'),
    ...bytes(5, initializer),
    ...bytes(11, valueInfo('input_ids', INT64, ['batch_size', 'sequence_length'])),
    ...bytes(12, valueInfo('logits', FLOAT, ['batch_size', 'sequence_length', vocab])),
  ]);
}

/** Deterministic bytes that are no protobuf model. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
