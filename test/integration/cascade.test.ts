/**
 * The cascade backend on real backends and the ../shared models: stories260K on llama.cpp (GGUF) as
 * stage 0, the same weights on onnxruntime (transformers.js folder) as stage 1, llama-2-tiny-random for a
 * stage with another vocabulary, and the loopback OpenAI-compatible server (test/helpers/openAiServer.ts)
 * for a `remote` last stage. Stage options are built here as the matrix would resolve them. Every stage
 * runs one thread (2-core CI).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import definition, { cascadeOptions } from '../../adapters/cascade/index.js';
import { remoteOptions } from '../../adapters/remote/index.js';
import { backendRegistry } from '../../adapters/registry.js';
import type { CompositeModelInfo } from '../../adapters/composite-common/CompositeModelInfo.js';
import type { CompositeStageSpec } from '../../adapters/composite-common/CompositeStageSpec.js';
import type { LoadedModel, TokenEvent } from '../../adapters/types.js';
import { BackendOptionError } from '../../harness/errors.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { OpenAiServer } from '../helpers/openAiServer.js';
import { failure } from '../helpers/failure.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

interface Golden {
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[] }[];
}

/** One thread per stage; llama.cpp otherwise at its defaults (with which the golden ids were made). */
const OPTIONS: Record<string, Record<string, unknown>> = {
  'llama-cpp': { threads: 1 },
  onnxruntime: { intraOpThreads: 1 },
};

/** Short TinyStories-like prompts beside the golden ones (13 prompts in all). */
const SENTENCES = [
  'Tom had a red ball.',
  'The sun was shining',
  'One day, a little bird',
  'Mom said',
  'The dog ran to',
  'He wanted to eat the cake',
  'Sue found a shiny rock',
  'They played all day',
  'Ben saw a big tree',
];

const REQUIRED_CONTEXT = 256;

function readGolden(model: string): Golden {
  return JSON.parse(readFileSync(sharedPath('models', model, 'golden_greedy.json'), 'utf8')) as Golden;
}

/** A stage as the matrix resolves it: absolute path, the stage backend's options parsed with defaults. */
function stage(path: string, backend: string, name: string, options: Record<string, unknown> = OPTIONS[backend] ?? {}): CompositeStageSpec {
  const stageDefinition = backendRegistry.find((d) => d.id === backend)!;
  return { model: { spec: path, path, name, format: stageDefinition.formats[0]!.id }, backend: { id: backend, options: stageDefinition.optionsSchema.parse(options) as Record<string, unknown> } };
}

const storiesGguf = (options?: Record<string, unknown>) => stage(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'), 'llama-cpp', 'stories260K', options);
const storiesOnnx = () => stage(sharedPath('models/stories260K/transformersjs'), 'onnxruntime', 'stories260K');
const llama2Onnx = () => stage(sharedPath('models/llama-2-tiny-random/transformersjs'), 'onnxruntime', 'llama-2-tiny-random');

const loaded: LoadedModel[] = [];

/** Loads a cascade as the worker does: `cascade:NAME`, format `composite`, options with resolved stages. */
async function loadCascade(stages: CompositeStageSpec[], options: Record<string, unknown>): Promise<LoadedModel> {
  const settings = cascadeOptions.omit({ stages: true }).parse(options);
  const adapter = await definition.create();
  const model = await adapter.load({ path: 'cascade:test', format: 'composite' }, { ...settings, stages } as never, { requiredContext: REQUIRED_CONTEXT });
  loaded.push(model);
  return model;
}

/** Loads one model alone, as a reference. */
async function loadSingle(spec: CompositeStageSpec): Promise<LoadedModel> {
  const stageDefinition = backendRegistry.find((d) => d.id === spec.backend.id)!;
  const model = await (await stageDefinition.create()).load(await detectModelFormat(spec.model.path), spec.backend.options as never, { requiredContext: REQUIRED_CONTEXT });
  loaded.push(model);
  return model;
}

async function generate(model: LoadedModel, promptTokenIds: number[], maxNewTokens: number): Promise<{ ids: number[]; events: TokenEvent[] }> {
  const events: TokenEvent[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens, ignoreEos: true })) events.push(event);
  return { ids: events.flatMap((e) => e.tokenIds), events };
}

/** The cascade's stages and request log (`CascadeModel.composite`). */
function composite(model: LoadedModel): CompositeModelInfo {
  return (model as unknown as { composite: CompositeModelInfo }).composite;
}

afterAll(async () => {
  for (const model of loaded.splice(0)) await model.dispose();
});

describe('cascade options', () => {
  it('fill the documented defaults and normalise infinite thresholds to -inf / inf', () => {
    const stages = [{ model: 'a.gguf', backend: 'llama-cpp' }, { model: 'remote:big', backend: { id: 'remote', baseUrl: 'http://127.0.0.1:8080' } }];
    expect(cascadeOptions.parse({ stages, threshold: -1.5 })).toEqual({ stages, signal: 'meanLogprob', signalTokens: 16, threshold: -1.5 });
    const threshold = (value: unknown) => cascadeOptions.parse({ stages, threshold: value }).threshold;
    for (const value of [-Infinity, '-inf', '-Infinity']) expect(threshold(value)).toBe('-inf');
    for (const value of [Infinity, 'inf', '+inf', 'Infinity', '+Infinity']) expect(threshold(value)).toBe('inf');
    expect(threshold(0)).toBe(0);
    // Parsing again (the matrix parses what the config parsed) keeps the value.
    expect(cascadeOptions.parse(cascadeOptions.parse({ stages, threshold: Infinity })).threshold).toBe('inf');
    expect(JSON.parse(JSON.stringify(cascadeOptions.parse({ stages, threshold: -Infinity })))).toMatchObject({ threshold: '-inf' });
  });

  it('refuse a missing or bad threshold, fewer than two stages, a zero signalTokens and unknown options', () => {
    const stages = [{ model: 'a.gguf', backend: 'llama-cpp' }, { model: 'b.gguf', backend: 'llama-cpp' }];
    const message = (options: Record<string, unknown>) => cascadeOptions.safeParse(options).error?.issues[0]?.message;
    expect(message({ stages })).toBe('required: a number, -inf or inf');
    expect(message({ stages, threshold: 'high' })).toBe('expected a number, -inf or inf');
    expect(message({ stages, threshold: NaN })).toBe('expected a number, -inf or inf');
    expect(message({ stages: stages.slice(1), threshold: 0 })).toBe('a composite backend needs at least two stages');
    expect(cascadeOptions.safeParse({ stages, threshold: 0, signalTokens: 0 }).success).toBe(false);
    expect(cascadeOptions.safeParse({ stages, threshold: 0, signal: 'perplexity' }).success).toBe(false);
    expect(cascadeOptions.safeParse({ stages, threshold: 0, mystery: 1 }).success).toBe(false);
  });

  it('emit a JSON Schema (input side) with the threshold as a number or -inf / inf', () => {
    const schema = z.toJSONSchema(cascadeOptions, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required.sort()).toEqual(['stages', 'threshold']);
    expect(JSON.stringify(schema.properties.threshold)).toContain('"enum":["-inf","inf","+inf","-Infinity","Infinity","+Infinity"]');
  });

  it('the definition is a light composite registered beside the other backends', () => {
    expect(definition).toMatchObject({ id: 'cascade', composite: true, formats: [] });
    expect(backendRegistry.find((d) => d.id === 'cascade')).toBe(definition);
  });
});

describe.skipIf(!hasShared)(`cascade on real backends ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let golden: Golden;
  /** The 13 prompts as stage 0's ids (BOS first). */
  let prompts: { text: string; ids: number[] }[];

  beforeAll(async () => {
    golden = readGolden('stories260K');
    const tokenizer = await loadSingle(storiesGguf());
    prompts = golden.cases.map((c) => ({ text: c.prompt, ids: c.prompt_ids }));
    for (const text of SENTENCES) prompts.push({ text, ids: await tokenizer.tokenize(text, { addBos: true }) });
  });

  it('reports stage 0\'s tokenizer, the stages, batch hand-over and resolved options', async () => {
    const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf', signal: 'minProb', signalTokens: 8 });
    expect(model.info).toMatchObject({ vocabSize: 512, contextLength: 512, bosTokenId: 1, eosTokenIds: [2], tokenHandover: 'batch', device: 'cpu' });
    expect(model.info.resolvedOptions).toMatchObject({ signal: 'minProb', signalTokens: 8, threshold: '-inf' });
    expect((model.info.resolvedOptions.stages as unknown[]).length).toBe(2);
    expect(composite(model)).toMatchObject({
      kind: 'cascade',
      requests: [],
      stages: [
        { name: 'stories260K', backend: 'llama-cpp', vocabSize: 512, device: 'cpu', remote: false },
        { name: 'stories260K', backend: 'onnxruntime', vocabSize: 512, device: 'cpu', remote: false },
      ],
    });
    expect(composite(model).stages[0]!.versions['node-llama-cpp']).toBeDefined();
    expect(composite(model).stages[1]!.versions['onnxruntime-node']).toBeDefined();
    expect(await model.tokenize('Once upon a time', { addBos: true })).toEqual(golden.cases[1]!.prompt_ids);
  });

  it("threshold -inf never escalates: stage 0 answers every golden prompt with the golden ids, its first signalTokens in one event", async () => {
    const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf' });
    for (const c of golden.cases) {
      const { ids, events } = await generate(model, c.prompt_ids, c.greedy_ids.length);
      expect(ids).toEqual(c.greedy_ids);
      expect(events.map((e) => e.tokenIds.length)).toEqual([16, ...Array<number>(c.greedy_ids.length - 16).fill(1)]);
      for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    }
    const requests = composite(model).requests;
    expect(requests).toHaveLength(golden.cases.length);
    for (const request of requests) {
      expect(request).toMatchObject({ kind: 'generate', stage: 0, cached: false });
      expect(request.signals).toHaveLength(1);
      expect(request.signals[0]).toBeLessThanOrEqual(0);
      expect(request.ms).toBeGreaterThan(0);
      expect(request.cpuMs).toBeGreaterThanOrEqual(0);
    }
    // Fewer tokens than signalTokens: all of them in one event.
    const short = await generate(model, golden.cases[1]!.prompt_ids, 5);
    expect(short.events.map((e) => e.tokenIds)).toEqual([golden.cases[1]!.greedy_ids.slice(0, 5)]);
  });

  it('reads a llama.cpp stage\'s meanLogprob and minProb from its generation, equal to a decode session\'s', async () => {
    // llama.cpp reports the chosen tokens' probabilities while generating (no whole distribution per step).
    const single = await loadSingle(storiesGguf());
    const bySession = async (promptIds: number[], kind: 'meanLogprob' | 'minProb') => {
      const session = await single.openSession!(promptIds);
      const chosen: number[] = [];
      try {
        for (let i = 0; i < 16; i++) {
          let best = 0;
          for (let t = 1; t < session.logprobs.length; t++) if (session.logprobs[t]! > session.logprobs[best]!) best = t;
          chosen.push(session.logprobs[best]!);
          if (i < 15) await session.push(best);
        }
      } finally {
        await session.close();
      }
      return kind === 'meanLogprob' ? chosen.reduce((a, b) => a + b, 0) / chosen.length : Math.exp(Math.min(...chosen));
    };
    for (const kind of ['meanLogprob', 'minProb'] as const) {
      const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf', signal: kind });
      for (const c of golden.cases) {
        const { ids } = await generate(model, c.prompt_ids, c.greedy_ids.length);
        expect(ids).toEqual(c.greedy_ids);
      }
      const signals = composite(model).requests.map((r) => r.signals[0]!);
      for (const [i, c] of golden.cases.entries()) {
        // float32 probabilities (the session's) against llama.cpp's own: equal to about 1e-7 relative.
        expect(Math.abs(signals[i]! - (await bySession(c.prompt_ids, kind)))).toBeLessThan(1e-5);
      }
    }
  });

  it('threshold inf always escalates: the last stage answers every golden prompt with the golden ids, streamed', async () => {
    const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: 'inf' });
    for (const c of golden.cases) {
      const { ids, events } = await generate(model, c.prompt_ids, c.greedy_ids.length);
      expect(ids).toEqual(c.greedy_ids);
      expect(events.every((e) => e.tokenIds.length === 1)).toBe(true);
    }
    const requests = composite(model).requests;
    expect(requests.map((r) => r.stage)).toEqual(golden.cases.map(() => 1));
    for (const request of requests) expect(request.signals).toHaveLength(1);
  });

  describe.each(['meanLogprob', 'minProb', 'entropy'] as const)('signal %s', (signal) => {
    it('escalates exactly the prompts whose stage-0 signal is below the threshold, monotonically', async () => {
      const maxNewTokens = 20;
      const base = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf', signal });
      const reference: number[][] = [];
      for (const prompt of prompts) reference.push((await generate(base, prompt.ids, maxNewTokens)).ids);
      const signals = composite(base).requests.map((r) => r.signals[0]!);
      expect(signals).toHaveLength(prompts.length);
      for (const s of signals) {
        expect(Number.isFinite(s)).toBe(true);
        if (signal === 'minProb') expect(s).toBeGreaterThan(0);
        if (signal === 'minProb') expect(s).toBeLessThanOrEqual(1);
        else expect(s).toBeLessThanOrEqual(0);
      }
      // Finite thresholds between observed signals (midpoints, so no prompt sits on them) and one equal to
      // an observed signal (which does not escalate its prompt: escalation needs confidence < threshold).
      const sorted = [...new Set(signals)].sort((a, b) => a - b);
      expect(sorted.length).toBeGreaterThanOrEqual(4);
      const mid = (i: number) => (sorted[i]! + sorted[i + 1]!) / 2;
      const q = (f: number) => Math.min(sorted.length - 2, Math.floor(f * (sorted.length - 1)));
      const thresholds: (number | '-inf' | 'inf')[] = ['-inf', sorted[0]! - 1, mid(q(0.25)), sorted[q(0.5)]!, mid(q(0.5)), mid(q(0.75)), sorted.at(-1)! + 1, 'inf'];
      const rates: number[] = [];
      for (const threshold of thresholds) {
        const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold, signal });
        const escalated = new Set<number>();
        for (const [i, prompt] of prompts.entries()) {
          const { ids, events } = await generate(model, prompt.ids, maxNewTokens);
          const request = composite(model).requests.at(-1)!;
          expect(request.signals, `${signal} ${String(threshold)} prompt ${i}`).toEqual([signals[i]]);
          if (request.stage === 1) escalated.add(i);
          // Both stages hold the same weights: the answer is the same either way, handed over differently.
          expect(ids).toEqual(reference[i]);
          expect(events[0]!.tokenIds).toHaveLength(request.stage === 0 ? 16 : 1);
        }
        const expected = signals.flatMap((s, i) => (threshold === 'inf' || (threshold !== '-inf' && s < threshold) ? [i] : []));
        expect([...escalated].sort((a, b) => a - b), `${signal} threshold ${String(threshold)}`).toEqual(expected);
        rates.push(escalated.size / prompts.length);
      }
      expect(rates[0]).toBe(0);
      expect(rates.at(-1)).toBe(1);
      for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThanOrEqual(rates[i - 1]!);
      expect(rates.some((r) => r > 0 && r < 1)).toBe(true);
    });
  });

  it('a stage with another vocabulary gets the prompt as text and answers in its own ids, detokenized by it', async () => {
    const llama2Golden = readGolden('llama-2-tiny-random');
    const llama2 = await loadSingle(llama2Onnx());
    const stories = await loadSingle(storiesGguf());
    const model = await loadCascade([storiesGguf(), llama2Onnx()], { threshold: 'inf' });
    for (const c of llama2Golden.cases) {
      const prompt = await model.tokenize(c.prompt, { addBos: true });
      const { ids } = await generate(model, prompt, c.greedy_ids.length);
      expect(ids, c.prompt).toEqual(c.greedy_ids);
      const text = await llama2.detokenize(ids);
      expect(await model.detokenize(ids)).toBe(text);
      // An answer still in progress (as suites detokenize it) is that stage's too.
      expect(await model.detokenize(ids.slice(0, 7))).toBe(await llama2.detokenize(ids.slice(0, 7)));
      // Ids no later stage produced are stage 0's.
      expect(await model.detokenize(prompt)).toBe(await stories.detokenize(prompt));
    }
    expect(composite(model).requests.map((r) => r.stage)).toEqual([1, 1, 1]);
    // With -inf the same cascade answers in stage 0's ids, and they detokenize with stage 0.
    const stay = await loadCascade([storiesGguf(), llama2Onnx()], { threshold: '-inf' });
    const c = golden.cases[1]!;
    const { ids } = await generate(stay, c.prompt_ids, c.greedy_ids.length);
    expect(ids).toEqual(c.greedy_ids);
    expect(await stay.detokenize(ids)).toBe(await stories.detokenize(ids));
  });

  describe('a remote last stage', () => {
    let server: OpenAiServer;
    const remoteStage = (): CompositeStageSpec => ({
      model: { spec: 'remote:test-model', path: 'remote:test-model', name: 'test-model', format: 'remote' },
      backend: { id: 'remote', options: remoteOptions.parse({ baseUrl: server.url, retryDelayMs: 1, timeoutMs: 5000 }) },
    });
    const streamed = () => server.requestsTo('/v1/completions').filter((r) => r.body?.stream === true);

    beforeAll(async () => {
      server = await OpenAiServer.start();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('answers from the server with inf, and never asks it with -inf', async () => {
      const always = await loadCascade([storiesGguf(), remoteStage()], { threshold: 'inf' });
      expect(always.info.device).toBe('cpu+remote');
      expect(composite(always).stages.map((s) => s.remote)).toEqual([false, true]);
      const c = golden.cases[1]!;
      const before = streamed().length;
      const { ids } = await generate(always, c.prompt_ids, 12);
      expect(streamed()).toHaveLength(before + 1);
      expect(ids).toHaveLength(12);
      expect(await always.detokenize(ids)).toBe(' once upon a time. once upon a time. once upon');
      expect(composite(always).requests.at(-1)).toMatchObject({ kind: 'generate', stage: 1 });

      const never = await loadCascade([storiesGguf(), remoteStage()], { threshold: '-inf' });
      const quiet = streamed().length;
      expect((await generate(never, c.prompt_ids, c.greedy_ids.length)).ids).toEqual(c.greedy_ids);
      expect(streamed()).toHaveLength(quiet);
    });

    it('refuses a remote stage that is not last, naming the stage, model and backend', async () => {
      const error = await failure(loadCascade([remoteStage(), storiesGguf()], { threshold: 0 }));
      expect(error).toBeInstanceOf(BackendOptionError);
      expect(error.message).toBe(
        'backend cascade, option stages[0]: stage 0 (test-model on remote) cannot decode step by step (backend remote has no decode sessions): only the last stage of a cascade may',
      );
    });
  });

  it('refuses a composite or unknown stage backend', async () => {
    const nested: CompositeStageSpec = { model: { spec: 'x', path: 'x', name: 'x', format: 'gguf' }, backend: { id: 'ensemble', options: {} } };
    expect((await failure(loadCascade([storiesGguf(), nested], { threshold: 0 }))).message).toBe(
      'backend cascade, option stages[1].backend: a composite backend (ensemble) cannot be a stage',
    );
    const unknown: CompositeStageSpec = { model: { spec: 'x', path: 'x', name: 'x', format: 'gguf' }, backend: { id: 'vllm', options: {} } };
    expect((await failure(loadCascade([storiesGguf(), unknown], { threshold: 0 }))).message).toMatch(/^backend cascade, option stages\[1\]\.backend: unknown backend "vllm" \(known: llama-cpp, onnxruntime/);
  });

  describe('score', () => {
    const PAIRS: [string, string][] = [
      ['Once upon a time', ', there was a little girl named Lily.'],
      ['Lily and Tom went to the park. They', ' saw a big dog.'],
      ['The cat', ' sat on the mat and purred.'],
      ['She was very', ' happy'],
    ];

    async function pair(model: LoadedModel, context: string, continuation: string): Promise<{ context: number[]; continuation: number[] }> {
      const contextIds = await model.tokenize(context, { addBos: true });
      const whole = await model.tokenize(context + continuation, { addBos: true });
      return { context: contextIds, continuation: whole.slice(contextIds.length) };
    }

    it('with -inf scores exactly as stage 0, with inf exactly as the last stage', async () => {
      const never = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf' });
      const always = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: 'inf' });
      const first = await loadSingle(storiesGguf());
      const last = await loadSingle(storiesOnnx());
      for (const [context, continuation] of PAIRS) {
        const ids = await pair(never, context, continuation);
        expect(await never.score!(ids.context, ids.continuation)).toEqual(await first.score!(ids.context, ids.continuation));
        expect(await always.score!(ids.context, ids.continuation)).toEqual(await last.score!(ids.context, ids.continuation));
      }
      expect(composite(never).requests.map((r) => [r.kind, r.stage, r.signals.length, r.cached])).toEqual(PAIRS.map(() => ['score', 0, 1, false]));
      expect(composite(always).requests.map((r) => [r.kind, r.stage, r.signals.length, r.cached])).toEqual(PAIRS.map(() => ['score', 1, 1, false]));
    });

    it('decides once per context (later calls are cached) as generate decides, from signalTokens greedy tokens', async () => {
      const base = await loadCascade([storiesGguf(), storiesOnnx()], { threshold: '-inf' });
      for (const prompt of prompts) await generate(base, prompt.ids, 16);
      const signals = composite(base).requests.map((r) => r.signals[0]!);
      const threshold = [...signals].sort((a, b) => a - b)[Math.floor(signals.length / 2)]!;
      const model = await loadCascade([storiesGguf(), storiesOnnx()], { threshold });
      const expectedStages: number[] = [];
      for (const [i, prompt] of prompts.entries()) {
        const continuation = [13, 438];
        await model.score!(prompt.ids, continuation);
        await model.score!(prompt.ids, [...continuation, 310]);
        expectedStages.push(signals[i]! < threshold ? 1 : 0);
      }
      const requests = composite(model).requests;
      expect(requests).toHaveLength(2 * prompts.length);
      expect(requests.map((r) => r.cached)).toEqual(prompts.flatMap(() => [false, true]));
      expect(requests.map((r) => r.stage)).toEqual(expectedStages.flatMap((s) => [s, s]));
      expect(requests.map((r) => r.signals)).toEqual(signals.flatMap((s) => [[s], [s]]));
      expect(new Set(expectedStages)).toEqual(new Set([0, 1]));
    });

    it('a stage with another vocabulary scores the text in its own tokens', async () => {
      const model = await loadCascade([storiesGguf(), llama2Onnx()], { threshold: 'inf' });
      const llama2 = await loadSingle(llama2Onnx());
      const [context, continuation] = PAIRS[0]!;
      const ids = await pair(model, context, continuation);
      const expected = await pair(llama2, context, continuation);
      const result = await model.score!(ids.context, ids.continuation);
      expect(result).toEqual(await llama2.score!(expected.context, expected.continuation));
      expect(result.logprobs).toHaveLength(expected.continuation.length);
    });
  });
});
