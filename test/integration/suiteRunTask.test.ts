/**
 * The built-in quick-quality suite on the real stories260K model, on all three backends (GGUF for
 * llama.cpp with an f32 KV cache and flash attention off, the same weights as ONNX for the others):
 * identical accuracies across backends, identical results for the same seed, per-sample logs, stop
 * strings, few-shot sampling, and a clear skip where a backend cannot score.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../adapters/types.js';
import { readDatasetManifest } from '../../suites/loaders/readDatasetManifest.js';
import { loadSuite } from '../../suites/loadSuite.js';
import { resolveTask } from '../../suites/resolveTask.js';
import { runTask, type TaskResult, type TaskSample } from '../../suites/runTask.js';
import { hasShared, sharedSkipReason } from '../helpers/shared.js';
import { loadStories260K } from '../helpers/loadStories260K.js';

describe.skipIf(!hasShared)(`suites on stories260K, three backends ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  const models = new Map<string, LoadedModel>();
  const results = new Map<string, TaskResult[]>();

  beforeAll(async () => {
    for (const [id, model] of await loadStories260K({ parity: true, requiredContext: 512 })) models.set(id, model);
    const suite = loadSuite('quick-quality');
    for (const [id, model] of models) {
      const list: TaskResult[] = [];
      for (const task of suite.tasks) list.push(await runTask(model, task));
      results.set(id, list);
    }
  });
  afterAll(async () => {
    for (const model of models.values()) await model.dispose();
  });

  it('runs every quick-quality task on every backend with n, value and stderr', () => {
    const manifest = readDatasetManifest();
    for (const [backend, list] of results) {
      expect(list.map((r) => r.taskId), backend).toEqual(['arithmetic', 'unit_conversion', 'simple_facts', 'story_cloze', 'heldout_perplexity']);
      for (const r of list) {
        expect(r.skipped).toBeUndefined();
        expect(r.n).toBe(r.taskId === 'heldout_perplexity' ? 8 : 20);
        const entry = manifest.datasets.find((d) => `builtin:${d.id}` === r.dataset.id)!;
        expect(r.dataset).toMatchObject({ sha256: entry.sha256, rows: entry.rows });
        for (const m of Object.values(r.metrics)) {
          expect(m.n).toBe(r.n);
          expect(Number.isFinite(m.value)).toBe(true);
          expect(m.stderr === null || m.stderr >= 0).toBe(true);
        }
      }
    }
  });

  it('gives the same acc, acc_norm and exact_match on all three backends (measured values)', () => {
    const pick = (backend: string) =>
      Object.fromEntries(results.get(backend)!.filter((r) => r.type !== 'perplexity').map((r) => [r.taskId, Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.value]))]));
    const reference = pick('onnxruntime');
    expect(reference).toEqual({
      arithmetic: { exact_match: 0, contains: 0 },
      unit_conversion: { acc: 0, acc_norm: 0 },
      simple_facts: { acc: 0.5, acc_norm: 0.4 },
      story_cloze: { acc: 0.65, acc_norm: 0.55 },
    });
    expect(pick('llama-cpp')).toEqual(reference);
    expect(pick('transformers-js')).toEqual(reference);
  });

  it('the same seed gives identical results; stderr comes from the seeded bootstrap', async () => {
    const model = models.get('onnxruntime')!;
    const task = resolveTask('story_cloze', { policy: [{ limit: 20 }] });
    const a = await runTask(model, task);
    const b = await runTask(model, task);
    expect(b).toEqual(a);
    expect(a.metrics['acc']).toEqual(results.get('onnxruntime')!.find((r) => r.taskId === 'story_cloze')!.metrics['acc']);
    const otherSeed = await runTask(model, task, { seed: 99 });
    expect(otherSeed.metrics['acc']!.value).toBe(a.metrics['acc']!.value);
    expect(otherSeed.metrics['acc']!.stderr).not.toBe(a.metrics['acc']!.stderr);
  });

  it('logs one sample per row; generation stops at its stop strings', async () => {
    const samples: TaskSample[] = [];
    const result = await runTask(models.get('llama-cpp')!, resolveTask('arithmetic'), { limit: 6, logSamples: (s) => samples.push(s) });
    expect(result.n).toBe(6);
    expect(samples.map((s) => s.row)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of samples) {
      if (s.type !== 'generate') throw new Error('expected generation samples');
      expect(s.prompt).toMatch(/^Question: What is \d+ (plus|minus|times) \d+\?\nAnswer:$/);
      expect(s.output).not.toContain('\n');
      expect(['until', 'eos', 'length']).toContain(s.stoppedBy);
      expect(Object.keys(s.scores)).toEqual(['exact_match', 'contains']);
    }
    const mc: TaskSample[] = [];
    await runTask(models.get('transformers-js')!, resolveTask('story_cloze'), { limit: 2, logSamples: (s) => mc.push(s) });
    expect(mc[0]).toMatchObject({ type: 'multiple_choice', row: 0, gold: 0, requests: [{ continuation: ' The ball came down and she caught it.' }, { continuation: ' The ball turned into a sandwich and sang.' }] });
  });

  it('few-shot examples are drawn by seed, never the row itself, and the same seed draws the same', async () => {
    const prompts = async (seed: number) => {
      const out: string[] = [];
      await runTask(models.get('onnxruntime')!, resolveTask('simple_facts'), { limit: 4, fewshot: 2, seed, logSamples: (s) => s.type === 'multiple_choice' && out.push(s.requests[0]!.context) });
      return out;
    };
    const a = await prompts(1);
    expect(await prompts(1)).toEqual(a);
    expect(await prompts(2)).not.toEqual(a);
    for (const prompt of a) {
      const questions = prompt.split('\n\n');
      expect(questions).toHaveLength(3);
      expect(new Set(questions.map((q) => q.split('\n')[0])).size).toBe(3); // the row is not its own example
      expect(questions[0]).toMatch(/^Question: .*\nAnswer: \S/);
    }
  });

  it('a loglikelihood task is skipped, with the reason, on a model that cannot score; generation still runs', async () => {
    const m = models.get('onnxruntime')!;
    const noScore: LoadedModel = { info: m.info, tokenize: (t, o) => m.tokenize(t, o), detokenize: (ids) => m.detokenize(ids), generate: (r) => m.generate(r), dispose: async () => {} };
    const skipped = await runTask(noScore, resolveTask('story_cloze'), { limit: 3 });
    expect(skipped).toMatchObject({ taskId: 'story_cloze', n: 0, metrics: {}, skipped: expect.stringMatching(/cannot score log-likelihoods/) });
    const generated = await runTask(noScore, resolveTask('arithmetic'), { limit: 2 });
    expect(generated.skipped).toBeUndefined();
    expect(generated.n).toBe(2);
  });
});
