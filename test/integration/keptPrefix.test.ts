/**
 * `keepPrefix` on the three local backends (stories260K, the same weights as GGUF and ONNX; llama.cpp with
 * its reference options): a generation whose prompt extends the kept prefix evaluates only the rest, says
 * how many tokens came from the cache, and produces exactly the golden greedy ids: a greedy continuation
 * does not depend on where the prompt was split between the cache and the prefill. Repeated generations
 * start from the kept prefix again (the previous generation's tokens left the cache), a prompt that does
 * not extend it runs in full, and a new prefix replaces the old one.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel, TokenEvent } from '../../adapters/types.js';
import { WorkloadError } from '../../harness/errors.js';
import { localBackends, loadStories260K } from '../helpers/loadStories260K.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

interface Golden {
  cases: { prompt_ids: number[]; greedy_ids: number[] }[];
}

/** Generates `n` greedy tokens; returns the ids and the first event's `cachedTokens`. */
async function generate(model: LoadedModel, promptTokenIds: number[], n: number): Promise<{ ids: number[]; cached: number | undefined }> {
  const events: TokenEvent[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens: n, ignoreEos: true })) events.push(event);
  return { ids: events.flatMap((e) => e.tokenIds), cached: events[0]?.cachedTokens };
}

describe.skipIf(!hasShared)(`kept KV prefixes on every local backend ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let models: Map<string, LoadedModel>;
  let golden: Golden;
  beforeAll(async () => {
    golden = JSON.parse(readFileSync(sharedPath('models/stories260K/golden_greedy.json'), 'utf8')) as Golden;
    models = await loadStories260K({ parity: true, requiredContext: 128 });
  }, 120_000);
  afterAll(async () => {
    for (const model of models?.values() ?? []) await model.dispose();
  });

  it('covers every local backend, each stating the capability', async () => {
    expect([...models.keys()].sort()).toEqual(['llama-cpp', 'onnxruntime', 'transformers-js']);
    for (const definition of localBackends()) expect((await definition.create()).capabilities.prefixCache).toBe(true);
  });

  for (const backend of ['llama-cpp', 'onnxruntime', 'transformers-js']) {
    it(`${backend}: continues the golden greedy ids from a kept prefix, again and again`, async () => {
      const model = models.get(backend)!;
      // The first golden case: BOS, then 64 greedy ids. Its first 40 ids as the prompt, 30 of them kept.
      const { prompt_ids: bos, greedy_ids: greedy } = golden.cases[0]!;
      const prompt = [...bos, ...greedy.slice(0, 40)];
      const expected = greedy.slice(40, 64);

      const plain = await generate(model, prompt, 24);
      expect(plain).toEqual({ ids: expected, cached: 0 });

      await model.keepPrefix!(prompt.slice(0, 31));
      expect(await generate(model, prompt, 24)).toEqual({ ids: expected, cached: 31 });
      // Again: the previous generation's 9 + 24 tokens left the cache, the prefix stayed.
      expect(await generate(model, prompt, 24)).toEqual({ ids: expected, cached: 31 });
      // A prompt that extends the prefix by one token only.
      expect(await generate(model, prompt.slice(0, 32), 4)).toEqual({ ids: greedy.slice(31, 35), cached: 31 });
      // A prompt that does not extend it (it is the prefix itself, or another text) runs in full.
      expect(await generate(model, prompt.slice(0, 31), 4)).toEqual({ ids: greedy.slice(30, 34), cached: 0 });
      const other = golden.cases[1]!;
      expect(await generate(model, other.prompt_ids, 8)).toEqual({ ids: other.greedy_ids.slice(0, 8), cached: 0 });
      // And the kept prefix still serves a prompt that extends it after that.
      const kept = await generate(model, prompt, 24);
      expect(kept.ids).toEqual(expected);
      // A new prefix replaces the old one.
      await model.keepPrefix!(prompt.slice(0, 11));
      expect(await generate(model, prompt, 24)).toEqual({ ids: expected, cached: 11 });
      // The prompt as a whole prefix but its last token: one token evaluated, the first token right.
      await model.keepPrefix!(prompt.slice(0, -1));
      expect(await generate(model, prompt, 1)).toEqual({ ids: expected.slice(0, 1), cached: 40 });
      // Where llama.cpp keeps the prefix in the sequence, work on that sequence ends it; the others keep it.
      await model.score!(bos, greedy.slice(0, 4));
      expect((await generate(model, prompt, 2)).cached).toBe(backend === 'llama-cpp' ? 0 : 40);
    }, 60_000);
  }

  it('refuses an empty prefix and ids outside the vocabulary', async () => {
    for (const model of models.values()) {
      await expect(model.keepPrefix!([])).rejects.toBeInstanceOf(WorkloadError);
      await expect(model.keepPrefix!([1, 10_000])).rejects.toThrow(/outside the vocabulary/);
    }
  });
});
