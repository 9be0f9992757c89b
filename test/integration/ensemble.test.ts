/**
 * The ensemble backend on real backends and the ../shared models: stories260K with itself (GGUF + GGUF on
 * llama.cpp, GGUF on llama.cpp + the same weights as ONNX on onnxruntime) combines identical
 * distributions, so it must reproduce the golden ids and score as the model alone; stories260K with
 * llama-2-tiny-random is refused. llama.cpp runs with an f32 KV cache and flash attention off (the ONNX
 * backends' numerics, as test/integration/scoreParity.test.ts does); every stage runs one thread.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { combineLogprobs } from '../../adapters/ensemble/combineLogprobs.js';
import definition, { ensembleOptions } from '../../adapters/ensemble/index.js';
import { backendRegistry } from '../../adapters/registry.js';
import type { CompositeModelInfo } from '../../adapters/composite-common/CompositeModelInfo.js';
import type { CompositeStageSpec } from '../../adapters/composite-common/CompositeStageSpec.js';
import type { LoadedModel } from '../../adapters/types.js';
import { BackendOptionError, VocabularyMismatchError } from '../../harness/errors.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { failure } from '../helpers/failure.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

interface Golden {
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[] }[];
}

const OPTIONS: Record<string, Record<string, unknown>> = {
  'llama-cpp': { threads: 1, kvCacheType: 'f32', flashAttention: false },
  onnxruntime: { intraOpThreads: 1 },
};

const PAIRS: [string, string][] = [
  ['Once upon a time', ', there was a little girl named Lily.'],
  ['Lily and Tom went to the park. They', ' saw a big dog.'],
  ['The cat', ' sat on the mat and purred.'],
  ['She was very', ' happy'],
];

function stage(path: string, backend: string, name: string): CompositeStageSpec {
  const stageDefinition = backendRegistry.find((d) => d.id === backend)!;
  return { model: { spec: path, path, name, format: stageDefinition.formats[0]!.id }, backend: { id: backend, options: stageDefinition.optionsSchema.parse(OPTIONS[backend] ?? {}) as Record<string, unknown> } };
}

/** The ensemble's stages and request log (`EnsembleModel.composite`). */
function composite(model: LoadedModel): CompositeModelInfo {
  return (model as unknown as { composite: CompositeModelInfo }).composite;
}

const storiesGguf = () => stage(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'), 'llama-cpp', 'stories260K');
const storiesOnnx = () => stage(sharedPath('models/stories260K/transformersjs'), 'onnxruntime', 'stories260K');
const llama2Gguf = () => stage(sharedPath('models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf'), 'llama-cpp', 'llama-2-tiny-random');

const loaded: LoadedModel[] = [];

async function loadEnsemble(stages: CompositeStageSpec[], options: Record<string, unknown> = {}): Promise<LoadedModel> {
  const settings = ensembleOptions.omit({ stages: true }).parse(options);
  const adapter = await definition.create();
  const model = await adapter.load({ path: 'ensemble:test', format: 'composite' }, { ...settings, stages } as never, { requiredContext: 256 });
  loaded.push(model);
  return model;
}

async function loadSingle(spec: CompositeStageSpec): Promise<LoadedModel> {
  const stageDefinition = backendRegistry.find((d) => d.id === spec.backend.id)!;
  const model = await (await stageDefinition.create()).load(await detectModelFormat(spec.model.path), spec.backend.options as never, { requiredContext: 256 });
  loaded.push(model);
  return model;
}

async function generate(model: LoadedModel, promptTokenIds: number[], maxNewTokens: number): Promise<number[][]> {
  const events: number[][] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens, ignoreEos: true })) events.push(event.tokenIds);
  return events;
}

afterAll(async () => {
  for (const model of loaded.splice(0)) await model.dispose();
});

describe('ensemble options and combination', () => {
  it('fill the documented defaults and refuse bad weights and unknown options', () => {
    const stages = [{ model: 'a.gguf', backend: 'llama-cpp' }, { model: 'b', backend: 'onnxruntime' }];
    expect(ensembleOptions.parse({ stages })).toEqual({ stages, combine: 'mean-prob' });
    expect(ensembleOptions.parse({ stages, combine: 'mean-logprob', weights: [1, 3] })).toMatchObject({ combine: 'mean-logprob', weights: [1, 3] });
    expect(ensembleOptions.safeParse({ stages, weights: [1, 0] }).success).toBe(false);
    expect(ensembleOptions.safeParse({ stages, weights: [] }).success).toBe(false);
    expect(ensembleOptions.safeParse({ stages, combine: 'max' }).success).toBe(false);
    expect(ensembleOptions.safeParse({ stages: stages.slice(1) }).success).toBe(false);
    expect(ensembleOptions.safeParse({ stages, threshold: 0 }).success).toBe(false);
    expect(() => z.toJSONSchema(ensembleOptions, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    expect(backendRegistry.find((d) => d.id === 'ensemble')).toBe(definition);
    expect(definition).toMatchObject({ composite: true, formats: [] });
  });

  it('mean-prob is ln Σ wᵢ pᵢ and mean-logprob the renormalised Σ wᵢ ln pᵢ', () => {
    const a = [Math.log(0.5), Math.log(0.3), Math.log(0.2), -Infinity];
    const b = [Math.log(0.1), Math.log(0.1), Math.log(0.4), Math.log(0.4)];
    const w = [0.25, 0.75];
    const prob = combineLogprobs([a, b], w, 'mean-prob', new Float64Array(4));
    [0.25 * 0.5 + 0.75 * 0.1, 0.25 * 0.3 + 0.75 * 0.1, 0.25 * 0.2 + 0.75 * 0.4, 0.75 * 0.4].forEach((p, t) => expect(prob[t]).toBeCloseTo(Math.log(p), 12));
    const product = combineLogprobs([a, b], w, 'mean-logprob', new Float64Array(4));
    const raw = a.map((lp, t) => 0.25 * lp + 0.75 * b[t]!);
    const norm = Math.log(raw.reduce((s, v) => s + Math.exp(v), 0));
    raw.forEach((v, t) => expect(product[t]).toBeCloseTo(v - norm, 12));
    expect(product[3]).toBe(-Infinity);
    // Huge negative log-probabilities do not underflow to -Infinity.
    const tiny = combineLogprobs([[-1000, 0], [-1001, 0]], [0.5, 0.5], 'mean-prob', new Float64Array(2));
    expect(tiny[0]).toBeCloseTo(Math.log(0.5 * Math.exp(0) + 0.5 * Math.exp(-1)) - 1000, 9);
  });
});

describe.skipIf(!hasShared)(`ensemble on real backends ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let golden: Golden;

  beforeAll(() => {
    golden = JSON.parse(readFileSync(sharedPath('models/stories260K/golden_greedy.json'), 'utf8')) as Golden;
  });

  const PAIRINGS = [
    ['GGUF + GGUF', () => [storiesGguf(), storiesGguf()]],
    ['GGUF + ONNX', () => [storiesGguf(), storiesOnnx()]],
  ] as const;
  const SETTINGS = [{ combine: 'mean-prob' }, { combine: 'mean-logprob' }, { combine: 'mean-prob', weights: [0.25, 0.75] }, { combine: 'mean-logprob', weights: [0.25, 0.75] }];

  describe.each(PAIRINGS)('stories260K %s', (_name, stages) => {
    it.each(SETTINGS)('%j reproduces the golden ids, one token per event, and records each request', async (settings) => {
      const model = await loadEnsemble([...stages()], settings);
      expect(model.info).toMatchObject({ vocabSize: 512, contextLength: 512, bosTokenId: 1, eosTokenIds: [2], tokenHandover: 'stream', device: 'cpu' });
      expect(model.info.resolvedOptions).toMatchObject({ combine: settings.combine, weights: settings.weights ?? [0.5, 0.5] });
      for (const c of golden.cases) {
        const events = await generate(model, c.prompt_ids, c.greedy_ids.length);
        expect(events.every((e) => e.length === 1)).toBe(true);
        expect(events.flat()).toEqual(c.greedy_ids);
      }
      expect(composite(model).requests.map((r) => [r.kind, r.stage, r.signals, r.cached])).toEqual(golden.cases.map(() => ['generate', -1, [], false]));
    });
  });

  it.each(SETTINGS)('%j scores as the model alone (on llama.cpp and on onnxruntime) within 1e-4 (GGUF + ONNX)', async (settings) => {
    const model = await loadEnsemble([storiesGguf(), storiesOnnx()], settings);
    const singles = [await loadSingle(storiesGguf()), await loadSingle(storiesOnnx())];
    for (const [context, continuation] of PAIRS) {
      const contextIds = await model.tokenize(context, { addBos: true });
      const continuationIds = (await model.tokenize(context + continuation, { addBos: true })).slice(contextIds.length);
      const combined = await model.score!(contextIds, continuationIds);
      expect(combined.logprobs).toHaveLength(continuationIds.length);
      for (const alone of singles) {
        const single = await alone.score!(contextIds, continuationIds);
        expect(combined.isGreedy).toBe(single.isGreedy);
        combined.logprobs.forEach((lp, i) => expect(Math.abs(lp - single.logprobs[i]!), `${context} token ${i}`).toBeLessThan(1e-4));
      }
    }
    // A greedy continuation is greedy for the ensemble too.
    const c = golden.cases[1]!;
    expect((await model.score!(c.prompt_ids, c.greedy_ids.slice(0, 10))).isGreedy).toBe(true);
    expect(composite(model).requests.map((r) => [r.kind, r.stage])).toEqual([...PAIRS.map(() => ['score', -1]), ['score', -1]]);
  });

  it('refuses stages with different vocabularies, naming the first differing token', async () => {
    const error = await failure(loadEnsemble([storiesGguf(), llama2Gguf()]));
    expect(error).toBeInstanceOf(VocabularyMismatchError);
    expect(error.code).toBe('VOCABULARY_MISMATCH');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('ensemble: stage 0 (stories260K) and stage 1 (llama-2-tiny-random) vocabularies differ at token id 259: "▁t" vs "▁▁"');
  });

  it('refuses a weight count other than the stage count', async () => {
    const error = await failure(loadEnsemble([storiesGguf(), storiesOnnx()], { weights: [1, 2, 3] }));
    expect(error).toBeInstanceOf(BackendOptionError);
    expect(error.message).toBe('backend ensemble, option weights: 3 weight(s) given for 2 stages: give one per stage');
  });
});
