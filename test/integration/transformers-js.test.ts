/**
 * The transformers-js adapter against the shared reference models: golden greedy ids, token events,
 * the fp16 contrib-ops model, scoring checked against a raw onnxruntime-node forward pass, and the errors
 * bad inputs must raise.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import definition, { transformersJsOptions, type TransformersJsOptions } from '../../adapters/transformers-js/index.js';
import type { Adapter, LoadedModel, TokenEvent } from '../../adapters/types.js';
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

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repoRoot, 'package.json'));

interface Golden {
  max_new_tokens: number;
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string }[];
}

function readGolden(model: string): Golden {
  return JSON.parse(readFileSync(sharedPath('models', model, 'golden_greedy.json'), 'utf8')) as Golden;
}

/** Options with one intra-op thread: fast and deterministic on the 2-core CI machine. */
function options(overrides: Partial<TransformersJsOptions> = {}): TransformersJsOptions {
  return transformersJsOptions.parse({ intraOpThreads: 1, ...overrides });
}

async function collect(stream: AsyncIterable<TokenEvent>): Promise<TokenEvent[]> {
  const events: TokenEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Natural-log softmax of one row, in float64 with a max shift. */
function logSoftmaxRow(logits: Float32Array, offset: number, vocab: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i]! - max);
  const logSum = Math.log(sum);
  return Array.from({ length: vocab }, (_, i) => logits[offset + i]! - max - logSum);
}

describe('transformers-js backend definition', () => {
  it('declares its id, format and option defaults', () => {
    expect(definition.id).toBe('transformers-js');
    expect(definition.formats.map((f) => f.id)).toEqual(['transformers-js']);
    expect(transformersJsOptions.parse({})).toEqual({ dtype: 'auto', device: 'cpu', intraOpThreads: 'auto', interOpThreads: 1 });
    expect(transformersJsOptions.safeParse({ threads: 2 }).success).toBe(false);
    expect(transformersJsOptions.safeParse({ device: 'auto' }).success).toBe(false);
    expect(transformersJsOptions.safeParse({ dtype: 'q2' }).success).toBe(false);
    expect(transformersJsOptions.safeParse({ intraOpThreads: 0 }).success).toBe(false);
  });

  it('reports the installed package versions', async () => {
    const adapter = await definition.create();
    const transformersPkg = join(dirname(require.resolve('@huggingface/transformers')), '..', 'package.json');
    const ortPkg = join(dirname(require.resolve('onnxruntime-node')), '..', 'package.json');
    const version = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    expect(await adapter.versions()).toEqual({
      '@huggingface/transformers': version(transformersPkg),
      'onnxruntime-node': version(ortPkg),
    });
  });
});

describe.skipIf(!hasShared)(
  `transformers-js adapter on shared models${hasShared ? '' : ` (skipped: ${sharedSkipReason})`}`,
  () => {
    let adapter: Adapter<TransformersJsOptions>;
    beforeAll(async () => {
      adapter = await definition.create();
    });

    for (const [name, expected] of [
      ['stories260K', { vocabSize: 512, contextLength: 512 }],
      ['llama-2-tiny-random', { vocabSize: 32000, contextLength: 4096 }],
    ] as const) {
      describe(`${name} golden greedy`, () => {
        let model: LoadedModel;
        beforeAll(async () => {
          model = await adapter.load({ path: sharedPath('models', name, 'transformersjs'), format: 'transformers-js' }, options());
        });
        afterAll(async () => {
          await model?.dispose();
        });

        it('reports what it loaded', () => {
          expect(model.info).toEqual({
            vocabSize: expected.vocabSize,
            contextLength: expected.contextLength,
            bosTokenId: 1,
            eosTokenIds: [2],
            resolvedOptions: {
              dtype: 'fp32',
              dtypeSource: 'model.onnx present',
              modelFile: 'onnx/model.onnx',
              device: 'cpu',
              intraOpThreads: 1,
              interOpThreads: 1,
              eosHandling: 'masked (min_new_tokens)',
            },
            tokenHandover: 'stream',
            device: 'cpu',
            weightsFile: sharedPath('models', name, 'transformersjs', 'onnx', 'model.onnx'),
            kvBytesPerElement: 4,
            loadPhasesMs: { tokenizer: expect.any(Number), model: expect.any(Number) },
            gpus: [],
          });
        });

        it('tokenizes, generates and detokenizes every golden case exactly', async () => {
          const golden = readGolden(name);
          expect(golden.cases.length).toBeGreaterThan(0);
          for (const c of golden.cases) {
            const promptIds = await model.tokenize(c.prompt, { addBos: true });
            expect(promptIds).toEqual(c.prompt_ids);
            expect(promptIds[0]).toBe(model.info.bosTokenId);
            expect(await model.tokenize(c.prompt, { addBos: false })).toEqual(c.prompt_ids.slice(1));

            const events = await collect(
              model.generate({ promptTokenIds: promptIds, maxNewTokens: golden.max_new_tokens, ignoreEos: true }),
            );
            expect(events.length).toBe(golden.max_new_tokens);
            for (const event of events) expect(event.tokenIds.length).toBe(1);
            for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
            expect(events.flatMap((e) => e.tokenIds)).toEqual(c.greedy_ids);
            expect(await model.detokenize(c.greedy_ids)).toBe(c.greedy_text);
          }
        });
      });
    }

    describe('stories260K scoring', () => {
      const folder = () => sharedPath('models', 'stories260K', 'transformersjs');
      let model: LoadedModel;
      /** Logits of a full forward pass over `ids`, from a raw onnxruntime-node session (no transformers.js). */
      let rawLogits: (ids: number[]) => Promise<Float32Array>;
      let releaseRaw: () => Promise<void>;

      beforeAll(async () => {
        model = await adapter.load({ path: folder(), format: 'transformers-js' }, options());
        const ort = (await import('onnxruntime-node')) as typeof import('onnxruntime-node');
        const session = await ort.InferenceSession.create(join(folder(), 'onnx', 'model.onnx'), {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
        });
        releaseRaw = () => session.release();
        rawLogits = async (ids) => {
          const n = ids.length;
          const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
            input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
            attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
            position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(i)), [1, n]),
          };
          for (let layer = 0; layer < 5; layer++) {
            for (const kind of ['key', 'value']) {
              feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
            }
          }
          const out = await session.run(feeds);
          const logits = out['logits']!;
          expect(logits.dims).toEqual([1, n, 512]);
          return logits.data as Float32Array;
        };
      });
      afterAll(async () => {
        await model?.dispose();
        await releaseRaw?.();
      });

      it('matches log-softmax of a full forward pass, token by token and in sum', async () => {
        const context = await model.tokenize('Once upon a time', { addBos: true });
        const continuation = await model.tokenize(' there was a big dog who liked to run', { addBos: false });
        const result = await model.score!(context, continuation);

        const logits = await rawLogits([...context, ...continuation]);
        const expected = continuation.map((token, i) => logSoftmaxRow(logits, (context.length + i - 1) * 512, 512)[token]!);
        expect(result.logprobs.length).toBe(continuation.length);
        for (let i = 0; i < expected.length; i++) expect(result.logprobs[i]).toBeCloseTo(expected[i]!, 9);
        const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
        expect(sum(result.logprobs)).toBeCloseTo(sum(expected), 9);
        expect(sum(result.logprobs)).toBeLessThan(0);
        expect(result.isGreedy).toBe(false);
      });

      it('marks the greedy next token as greedy, with the largest log-probability of the vocabulary', async () => {
        const golden = readGolden('stories260K');
        const c = golden.cases[1]!;
        const next = c.greedy_ids[0]!;
        const result = await model.score!(c.prompt_ids, [next]);
        expect(result.isGreedy).toBe(true);

        const row = logSoftmaxRow(await rawLogits(c.prompt_ids), (c.prompt_ids.length - 1) * 512, 512);
        const max = Math.max(...row);
        expect(row.indexOf(max)).toBe(next);
        expect(result.logprobs[0]).toBeCloseTo(max, 9);
      });

      it('scores a whole greedy continuation as greedy', async () => {
        const c = readGolden('stories260K').cases[1]!;
        const result = await model.score!(c.prompt_ids, c.greedy_ids.slice(0, 16));
        expect(result.isGreedy).toBe(true);
        expect(result.logprobs.length).toBe(16);
      });

      it('stops cleanly when the consumer leaves early, and generates again afterwards', async () => {
        const c = readGolden('stories260K').cases[1]!;
        const seen: number[] = [];
        for await (const event of model.generate({ promptTokenIds: c.prompt_ids, maxNewTokens: 64, ignoreEos: true })) {
          seen.push(...event.tokenIds);
          if (seen.length === 3) break;
        }
        expect(seen).toEqual(c.greedy_ids.slice(0, 3));
        const again = await collect(model.generate({ promptTokenIds: c.prompt_ids, maxNewTokens: 8, ignoreEos: true }));
        expect(again.flatMap((e) => e.tokenIds)).toEqual(c.greedy_ids.slice(0, 8));
      });

      it('without ignoreEos generates the same greedy ids (no EOS within them)', async () => {
        const c = readGolden('stories260K').cases[3]!;
        const events = await collect(model.generate({ promptTokenIds: c.prompt_ids, maxNewTokens: 12, ignoreEos: false }));
        expect(events.flatMap((e) => e.tokenIds)).toEqual(c.greedy_ids.slice(0, 12));
      });

      it('rejects workloads it cannot run', async () => {
        await expect(collect(model.generate({ promptTokenIds: [], maxNewTokens: 4, ignoreEos: true }))).rejects.toThrow(
          WorkloadError,
        );
        await expect(collect(model.generate({ promptTokenIds: [1, 512], maxNewTokens: 4, ignoreEos: true }))).rejects.toThrow(
          /token id 512 is outside the vocabulary of 512/,
        );
        await expect(collect(model.generate({ promptTokenIds: [1, 2, 3], maxNewTokens: 510, ignoreEos: true }))).rejects.toThrow(
          /exceed the model's context of 512/,
        );
        await expect(model.score!([], [1])).rejects.toThrow(WorkloadError);
      });
    });

    it('loads the fp16 contrib-ops model with dtype auto and generates exactly 16 tokens', async () => {
      const model = await adapter.load(
        { path: sharedPath('models', 'tiny-random-LlamaForCausalLM-fp16'), format: 'transformers-js' },
        options(),
      );
      try {
        expect(model.info.resolvedOptions).toMatchObject({ dtype: 'fp16', dtypeSource: 'config.json', modelFile: 'onnx/model_fp16.onnx' });
        expect(model.info.vocabSize).toBe(32000);
        const prompt = await model.tokenize('Hello world', { addBos: true });
        expect(prompt[0]).toBe(1);
        const events = await collect(model.generate({ promptTokenIds: prompt, maxNewTokens: 16, ignoreEos: true }));
        expect(events.length).toBe(16);
        expect(events.flatMap((e) => e.tokenIds).length).toBe(16);
        const scored = await model.score!(prompt, events.flatMap((e) => e.tokenIds));
        expect(scored.logprobs.length).toBe(16);
        expect(scored.logprobs.every((p) => Number.isFinite(p) && p <= 0)).toBe(true);
      } finally {
        await model.dispose();
      }
    });

    describe('bad inputs', () => {
      let temp: string;
      beforeAll(() => {
        temp = tempDir('tjs');
      });
      afterAll(() => {
        rmSync(temp, { recursive: true, force: true });
      });

      it('a folder without tokenizer.json → ModelFormatError naming the file', async () => {
        const copy = join(temp, 'no-tokenizer');
        cpSync(sharedPath('models', 'stories260K', 'transformersjs'), copy, { recursive: true });
        rmSync(join(copy, 'tokenizer.json'), { force: true });
        const load = adapter.load({ path: copy, format: 'transformers-js' }, options());
        await expect(load).rejects.toThrow(ModelFormatError);
        await expect(load).rejects.toThrow(join(copy, 'tokenizer.json'));
      });

      it('dtype q4 without onnx/model_q4.onnx → BackendOptionError naming the file', async () => {
        const folder = sharedPath('models', 'stories260K', 'transformersjs');
        const load = adapter.load({ path: folder, format: 'transformers-js' }, options({ dtype: 'q4' }));
        await expect(load).rejects.toThrow(BackendOptionError);
        await expect(load).rejects.toThrow(join(folder, 'onnx', 'model_q4.onnx'));
      });

      it('config.json naming dtype q4 without onnx/model_q4.onnx → ModelFormatError naming the file', async () => {
        const copy = join(temp, 'config-names-q4');
        mkdirSync(join(copy, 'onnx'), { recursive: true });
        for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
          cpSync(sharedPath('models', 'stories260K', 'transformersjs', name), join(copy, name));
        }
        const config = JSON.parse(readFileSync(sharedPath('models', 'stories260K', 'transformersjs', 'config.json'), 'utf8')) as object;
        writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...config, 'transformers.js_config': { dtype: 'q4' } }));
        writeFileSync(join(copy, 'onnx', 'model_fp16.onnx'), '');
        const load = adapter.load({ path: copy, format: 'transformers-js' }, options());
        await expect(load).rejects.toThrow(ModelFormatError);
        await expect(load).rejects.toThrow(join(copy, 'onnx', 'model_q4.onnx'));
      });

      it('a missing folder → ModelNotFoundError naming it', async () => {
        const missing = join(temp, 'does-not-exist');
        await expect(adapter.load({ path: missing, format: 'transformers-js' }, options())).rejects.toThrow(
          new ModelNotFoundError(missing).message,
        );
      });

      // Where onnxruntime-node has its CUDA provider libraries, CUDA may work: this checks the other case.
      const ortBin = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
      const cudaProviderPresent = existsSync(join(ortBin, 'libonnxruntime_providers_cuda.so'));
      // These two load in a child process: onnxruntime and Dawn log their failed library loads to the
      // process's stderr, asserted here instead of printed into the test run's output.
      it.skipIf(cudaProviderPresent)('device cuda where unavailable → BackendUnavailableError naming the device, in one line', async () => {
        const folder = sharedPath('models', 'stories260K', 'transformersjs');
        const { error, stderr } = await loadInChild('transformers-js', { path: folder, format: 'transformers-js' }, options({ device: 'cuda' }));
        expect(error?.name).toBe('BackendUnavailableError');
        expect(error?.message).toMatch(/^backend transformers-js: device cuda is unavailable here: /);
        expect(error?.message).not.toContain('\n');
        expect(stderr).toContain('libonnxruntime_providers_shared.so');
      });

      it('device webgpu either loads or fails with BackendUnavailableError naming the device', async () => {
        const folder = sharedPath('models', 'stories260K', 'transformersjs');
        const { error } = await loadInChild('transformers-js', { path: folder, format: 'transformers-js' }, options({ device: 'webgpu' }));
        if (error !== null) {
          expect(error.name).toBe('BackendUnavailableError');
          expect(error.message).toMatch(/^backend transformers-js: device webgpu is unavailable here: [^\n]+$/);
        }
      });
    });
  },
);
