/**
 * `score` on the same weights agrees across the three backends (stories260K: GGUF for llama.cpp, the
 * same weights as ONNX for onnxruntime and transformers.js), and a one-token greedy continuation is the
 * argmax on every backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import type { LoadedModel } from '../../adapters/types.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { loadStories260K, localBackends } from '../helpers/loadStories260K.js';

const PAIRS: [string, string][] = [
  ['Once upon a time', ', there was a little girl named Lily.'],
  ['Lily and Tom went to the park. They', ' saw a big dog.'],
  ['The cat', ' sat on the mat and purred.'],
  ['She was very', ' happy'],
];

describe.skipIf(!hasShared)(`score agrees across backends ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  const models = new Map<string, LoadedModel>();

  beforeAll(async () => {
    for (const [id, model] of await loadStories260K({ parity: true, requiredContext: 128 })) models.set(id, model);
  });
  afterAll(async () => {
    for (const model of models.values()) await model.dispose();
  });

  it('every backend scores', () => {
    expect([...models.keys()].sort()).toEqual(localBackends().map((d) => d.id).sort());
    expect([...models.keys()]).toEqual(expect.arrayContaining(['llama-cpp', 'onnxruntime', 'transformers-js']));
  });

  it.each(PAIRS)('per-token log-probabilities of %j + %j agree within 1e-3 nats', async (context, continuation) => {
    const reference = models.get('onnxruntime')!;
    const contextIds = await reference.tokenize(context, { addBos: true });
    const full = await reference.tokenize(context + continuation, { addBos: true });
    // Score the continuation as the tokenizer splits the whole text.
    expect(full.slice(0, contextIds.length)).toEqual(contextIds);
    const continuationIds = full.slice(contextIds.length);
    expect(continuationIds.length).toBeGreaterThan(0);
    const scores = new Map<string, number[]>();
    for (const [id, model] of models) {
      expect(await model.tokenize(context, { addBos: true })).toEqual(contextIds);
      const result = await model.score!(contextIds, continuationIds);
      expect(result.logprobs).toHaveLength(continuationIds.length);
      for (const lp of result.logprobs) expect(lp).toBeLessThanOrEqual(0);
      scores.set(id, result.logprobs);
    }
    const ref = scores.get('onnxruntime')!;
    for (const [id, logprobs] of scores) {
      logprobs.forEach((lp, i) => expect(Math.abs(lp - ref[i]!), `${id} token ${i}`).toBeLessThan(1e-3));
    }
  });

  it('llama.cpp\'s defaults (f16 KV cache, flash attention) stay within 2e-2 nats and say what they resolved to', async () => {
    const definition = backendRegistry.find((d) => d.id === 'llama-cpp')!;
    const adapter = await definition.create();
    const f16 = await adapter.load(await detectModelFormat(sharedPath('models/stories260K/gguf/stories260K-f32.gguf')), definition.optionsSchema.parse({}), { requiredContext: 128 });
    try {
      expect(f16.info.resolvedOptions).toMatchObject({ kvCacheType: 'f16', flashAttention: true });
      expect(models.get('llama-cpp')!.info.resolvedOptions.kvCacheType).toBe('f32');
      const context = await f16.tokenize('The cat', { addBos: true });
      const continuation = (await f16.tokenize('The cat sat on the mat and purred.', { addBos: true })).slice(context.length);
      const a = await f16.score!(context, continuation);
      const b = await models.get('onnxruntime')!.score!(context, continuation);
      const worst = Math.max(...a.logprobs.map((lp, i) => Math.abs(lp - b.logprobs[i]!)));
      expect(worst).toBeLessThan(2e-2);
      expect(worst).toBeGreaterThan(1e-4); // the defaults really are a different numeric path
    } finally {
      await f16.dispose();
    }
  });

  it('a one-token greedy continuation is the vocabulary argmax on every backend', async () => {
    for (const [context] of PAIRS) {
      const contextIds = await models.get('onnxruntime')!.tokenize(context, { addBos: true });
      // The greedy next token, from a real generation on one backend.
      let greedy: number | undefined;
      for await (const event of models.get('onnxruntime')!.generate({ promptTokenIds: contextIds, maxNewTokens: 1, ignoreEos: true })) {
        greedy = event.tokenIds[0];
      }
      for (const [id, model] of models) {
        const best = await model.score!(contextIds, [greedy!]);
        expect(best.isGreedy, `${id} on ${JSON.stringify(context)}`).toBe(true);
        // Any other token scores lower.
        const other = (greedy! + 1) % 512;
        const worse = await model.score!(contextIds, [other]);
        expect(worse.isGreedy).toBe(false);
        expect(worse.logprobs[0]!).toBeLessThan(best.logprobs[0]!);
      }
    }
  });
});
