/**
 * Batched generation (`generateBatch`) on the three local backends (stories260K, the same weights as GGUF
 * and ONNX; llama.cpp with its reference options): four requests with different prompts decoded together
 * give each exactly the greedy ids it gets alone, every request its fixed number of tokens, each token
 * handed over tagged with its request. llama.cpp starts requests at their arrival times and they join the
 * sequences already decoding; the static batchers refuse prompts of different lengths.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRequest, BatchTokenEvent, LoadedModel } from '../../adapters/types.js';
import { WorkloadError } from '../../harness/errors.js';
import { localBackends, loadStories260K } from '../helpers/loadStories260K.js';
import { greedyIds } from '../helpers/greedyIds.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

interface Golden {
  cases: { prompt_ids: number[]; greedy_ids: number[] }[];
}


/** Each prompt generated alone, one after another. */
async function eachAlone(model: LoadedModel, prompts: number[][], n: number): Promise<number[][]> {
  const out: number[][] = [];
  for (const p of prompts) out.push(await greedyIds(model, p, n));
  return out;
}

async function together(model: LoadedModel, requests: BatchRequest[]): Promise<{ ids: number[][]; events: BatchTokenEvent[] }> {
  const ids: number[][] = requests.map(() => []);
  const events: BatchTokenEvent[] = [];
  for await (const event of model.generateBatch!(requests)) {
    ids[event.request]!.push(...event.tokenIds);
    events.push(event);
  }
  return { ids, events };
}

describe.skipIf(!hasShared)(`batched generation on every local backend ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let models: Map<string, LoadedModel>;
  let prompts: number[][];
  beforeAll(async () => {
    const golden = JSON.parse(readFileSync(sharedPath('models/stories260K/golden_greedy.json'), 'utf8')) as Golden;
    const { prompt_ids: bos, greedy_ids: greedy } = golden.cases[0]!;
    // Four different stretches of one story, 13 tokens each with BOS.
    prompts = [0, 5, 17, 30].map((k) => [...bos, ...greedy.slice(k, k + 12)]);
    models = await loadStories260K({ parity: true, requiredContext: 64, concurrency: 4 });
  }, 120_000);
  afterAll(async () => {
    for (const model of models?.values() ?? []) await model.dispose();
  });

  it('states how each backend batches', async () => {
    const kinds = Object.fromEntries(await Promise.all(localBackends().map(async (d) => [d.id, (await d.create()).capabilities.batching] as const)));
    expect(kinds).toEqual({ 'llama-cpp': 'continuous', onnxruntime: 'static', 'transformers-js': 'static' });
  });

  for (const backend of ['llama-cpp', 'onnxruntime', 'transformers-js']) {
    it(`${backend}: each request of a batch gets the greedy ids it gets alone`, async () => {
      const model = models.get(backend)!;
      const expected = await eachAlone(model, prompts, 20);
      // Different prompts give different continuations: a mix-up of rows would show.
      expect(new Set(expected.map((e) => e.join(','))).size).toBe(4);
      const { ids, events } = await together(model, prompts.map((p) => ({ promptTokenIds: p, maxNewTokens: 20, ignoreEos: true })));
      expect(ids).toEqual(expected);
      expect(events).toHaveLength(80);
      expect(events.filter((e) => e.cachedTokens !== undefined).map((e) => [e.request, e.cachedTokens]).sort()).toEqual([[0, 0], [1, 0], [2, 0], [3, 0]]);
      // A batch of two after the batch of four, and a single generation after that, are unaffected.
      expect((await together(model, prompts.slice(2).map((p) => ({ promptTokenIds: p, maxNewTokens: 8, ignoreEos: true })))).ids).toEqual(expected.slice(2).map((e) => e.slice(0, 8)));
      expect(await greedyIds(model, prompts[1]!, 20)).toEqual(expected[1]);
    }, 60_000);
  }

  it('llama.cpp: requests that arrive later join the running batch, each from its own arrival', async () => {
    const model = models.get('llama-cpp')!;
    const expected = await eachAlone(model, prompts, 24);
    const start = performance.now();
    const arrivals = [0, 2, 4, 6].map((ms) => start + ms);
    const { ids, events } = await together(model, prompts.map((p, i) => ({ promptTokenIds: p, maxNewTokens: 24, ignoreEos: true, startAt: arrivals[i]! })));
    expect(ids).toEqual(expected);
    for (let i = 0; i < 4; i++) expect(events.find((e) => e.request === i)!.time).toBeGreaterThanOrEqual(arrivals[i]!);
  }, 60_000);

  it('static batchers refuse prompts of different lengths, naming them', async () => {
    for (const backend of ['onnxruntime', 'transformers-js']) {
      const requests = [prompts[0]!, prompts[1]!.slice(0, 5)].map((p) => ({ promptTokenIds: p, maxNewTokens: 4, ignoreEos: true }));
      await expect(together(models.get(backend)!, requests)).rejects.toThrow(new WorkloadError('generateBatch: a static batch needs prompts of one length; request 1 has 5 tokens, request 0 13'));
    }
  });
});
