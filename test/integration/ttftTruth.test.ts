/**
 * Time-to-first-token truth: the harness's latency metrics (the same `latencySample` code the worker runs)
 * checked against an independent clock (process.hrtime) around the whole generate call on every backend,
 * and token counts checked against an independent tokenizer (transformers.js on tokenizer.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env } from '@huggingface/transformers';
import type { LoadedModel } from '../../adapters/types.js';
import { latencySample } from '../../harness/trackers/latencySample.js';
import { loadStories260K, localBackends } from '../helpers/loadStories260K.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

const PROMPT = 'Lily and Tom went to the park. They';
const NEW_TOKENS = 48;

describe.skipIf(!hasShared)(`TTFT and token counts against independent references ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  const models = new Map<string, LoadedModel>();
  let referenceIds: number[] = [];

  beforeAll(async () => {
    for (const [id, model] of await loadStories260K({ parity: false, requiredContext: 128 })) models.set(id, model);
    env.allowRemoteModels = false;
    const tokenizer = await AutoTokenizer.from_pretrained(sharedPath('models/stories260K/transformersjs'), { local_files_only: true });
    referenceIds = tokenizer.encode(PROMPT) as number[];
  });
  afterAll(async () => {
    for (const model of models.values()) await model.dispose();
  });

  it.each(localBackends().map((d) => d.id))('%s: TTFT and E2E lie inside the independently timed call', async (id) => {
    const model = models.get(id)!;
    const prompt = await model.tokenize(PROMPT, { addBos: true });
    // Token counts: the independent tokenizer (BOS included by its post-processor) agrees.
    expect(prompt).toEqual(referenceIds);
    for (let rep = 0; rep < 3; rep++) {
      const outerStart = process.hrtime.bigint();
      const start = performance.now();
      const events = [];
      let firstSeen: bigint | undefined;
      for await (const event of model.generate({ promptTokenIds: prompt, maxNewTokens: NEW_TOKENS, ignoreEos: true })) {
        firstSeen ??= process.hrtime.bigint();
        events.push(event);
      }
      const outerEnd = process.hrtime.bigint();
      const sample = latencySample(start, events, prompt.length);
      const outerMs = Number(outerEnd - outerStart) / 1e6;
      const firstMs = Number(firstSeen! - outerStart) / 1e6;
      expect(sample.tokenIds).toHaveLength(NEW_TOKENS);
      expect(sample.ttftMs).toBeGreaterThan(0);
      // The first token is stamped no later than the consumer sees it, and within the whole call.
      expect(sample.ttftMs).toBeLessThanOrEqual(firstMs + 0.05);
      expect(sample.e2eMs).toBeLessThanOrEqual(outerMs + 0.05);
      expect(sample.e2eMs).toBeGreaterThanOrEqual(sample.ttftMs);
      // The decode span accounts for the call: TTFT + (n − 1) × TPOT = E2E.
      expect(sample.ttftMs + (NEW_TOKENS - 1) * sample.tpotMs!).toBeCloseTo(sample.e2eMs, 6);
      // The prompt's text round-trips through the backend's own tokenizer to the same ids.
      expect(await model.tokenize(await model.detokenize(prompt.slice(1)), { addBos: true })).toEqual(prompt);
    }
  });
});
