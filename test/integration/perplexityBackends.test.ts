/**
 * Perplexity of stories260K: the three backends agree within 0.1%, and the rolling-window result equals
 * a computation from the raw logits of the ONNX graph (onnxruntime-node driven directly here). A
 * perplexity task can be pointed at any text file with a document separator.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../adapters/types.js';
import { resolveTask } from '../../suites/resolveTask.js';
import { runTask, type TaskResult, type TaskSample } from '../../suites/runTask.js';
import { textPerplexityTask } from '../../suites/textPerplexityTask.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { loadStories260K } from '../helpers/loadStories260K.js';
import { tempDir } from '../helpers/tempDir.js';

const STORY =
  'Once upon a time, there was a little boy named Tim. Tim liked to play with his red ball in the park. One day, the ball rolled into a big puddle. ' +
  'Tim was sad, but his friend Sue came to help. They got the ball out together and laughed. Then they went home and ate cookies with milk.';

describe.skipIf(!hasShared)(`perplexity on stories260K ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  const models = new Map<string, LoadedModel>();
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('ppl');
    for (const [id, model] of await loadStories260K({ parity: true, requiredContext: 512 })) models.set(id, model);
  });
  afterAll(async () => {
    for (const model of models.values()) await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the held-out stories: token perplexity, word perplexity and bits per byte agree across backends within 0.1%', async () => {
    const results = new Map<string, TaskResult>();
    for (const [id, model] of models) results.set(id, await runTask(model, resolveTask('heldout_perplexity')));
    const reference = results.get('onnxruntime')!;
    expect(reference.n).toBe(16);
    expect(Object.keys(reference.metrics)).toEqual(['nll_per_token', 'token_perplexity', 'word_perplexity', 'byte_perplexity', 'bits_per_byte']);
    for (const [id, result] of results) {
      for (const [name, m] of Object.entries(result.metrics)) {
        const ref = reference.metrics[name]!.value;
        expect(Math.abs(m.value - ref) / ref, `${id} ${name}`).toBeLessThan(1e-3);
        expect(m.higherIsBetter).toBe(false);
        expect(m.stderr).toBeGreaterThan(0);
      }
    }
    // Consistency of the definitions on the same totals.
    const m = reference.metrics;
    expect(m['token_perplexity']!.value).toBeCloseTo(Math.exp(m['nll_per_token']!.value), 10);
    expect(m['bits_per_byte']!.value).toBeCloseTo(Math.log(m['byte_perplexity']!.value) / Math.LN2, 10);
  });

  it('equals the log-likelihood computed from the raw logits of the ONNX graph, over several windows', async () => {
    const file = join(dir, 'story.txt');
    writeFileSync(file, `${STORY}\n`);
    const maxLength = 40; // 39 input positions per window: the story spans several windows
    const samples: TaskSample[] = [];
    const result = await runTask(models.get('onnxruntime')!, textPerplexityTask(file, { maxLength }), { logSamples: (s) => samples.push(s) });
    const sample = samples[0]!;
    if (sample.type !== 'perplexity') throw new Error('expected a perplexity sample');
    expect(sample.windows).toBeGreaterThan(2);

    const model = models.get('onnxruntime')!;
    const tokens = await model.tokenize(`${STORY}\n`, { addBos: false });
    expect(sample.tokens).toBe(tokens.length);
    const expected = await rawLogLikelihood(sharedPath('models/stories260K/transformersjs/onnx/model.onnx'), [model.info.bosTokenId!, ...tokens], maxLength - 1);
    expect(sample.logLikelihood).toBeCloseTo(expected, 3);
    expect(result.metrics['nll_per_token']!.value).toBeCloseTo(-expected / tokens.length, 6);
    // The other backends agree on the same windows.
    for (const id of ['llama-cpp', 'transformers-js']) {
      const other = await runTask(models.get(id)!, textPerplexityTask(file, { maxLength }));
      expect(Math.abs(other.metrics['token_perplexity']!.value / result.metrics['token_perplexity']!.value - 1), id).toBeLessThan(1e-3);
    }
  });

  it('a text file with a document separator, and a stride that gives each prediction more context', async () => {
    const file = join(dir, 'docs.txt');
    writeFileSync(file, `${STORY}\n=====\nThe cat sat in the sun. She was happy and warm.\n=====\nTom had a big dog. The dog liked to run.\n`);
    const model = models.get('llama-cpp')!;
    const samples: TaskSample[] = [];
    const disjoint = await runTask(model, textPerplexityTask(file, { separator: '\n=====\n', maxLength: 32 }), { logSamples: (s) => samples.push(s) });
    expect(disjoint.n).toBe(3);
    expect(disjoint.dataset.rows).toBe(3);
    const strided = await runTask(model, textPerplexityTask(file, { separator: '\n=====\n', maxLength: 32, stride: 8 }));
    expect(strided.n).toBe(3);
    // More context per prediction: a lower (or equal) negative log-likelihood.
    expect(strided.metrics['nll_per_token']!.value).toBeLessThanOrEqual(disjoint.metrics['nll_per_token']!.value + 1e-9);
    const tokenCounts = samples.map((s) => (s.type === 'perplexity' ? s.tokens : 0));
    expect(tokenCounts.every((n) => n > 0)).toBe(true);
  });
});

/**
 * Σ ln p(seq[i] | seq[<i]) for i ≥ 1, computed from the graph's logits with the same windows as
 * lm-evaluation-harness's disjoint rolling scheme: chunks of `inputs` positions; the last chunk takes the
 * full `inputs` positions before its targets.
 */
async function rawLogLikelihood(onnxFile: string, seq: number[], inputs: number): Promise<number> {
  const session = await ort.InferenceSession.create(onnxFile, { intraOpNumThreads: 1 });
  try {
    const n = seq.length - 1; // targets seq[1..n]
    let total = 0;
    for (let first = 1; first <= n; first += inputs) {
      const last = Math.min(first + inputs - 1, n); // targets seq[first..last]
      const start = Math.max(0, last - inputs); // inputs seq[start..last-1]
      const ids = seq.slice(start, last);
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, ids.length]),
      };
      for (let layer = 0; layer < 5; layer++) {
        for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
      }
      const logits = (await session.run(feeds))['logits']!;
      const vocab = logits.dims[2]!;
      const data = logits.data as Float32Array;
      for (let target = first; target <= last; target++) {
        const row = (target - 1 - start) * vocab;
        let max = -Infinity;
        for (let v = 0; v < vocab; v++) max = Math.max(max, data[row + v]!);
        let sum = 0;
        for (let v = 0; v < vocab; v++) sum += Math.exp(data[row + v]! - max);
        total += data[row + seq[target]!]! - max - Math.log(sum);
      }
    }
    return total;
  } finally {
    await session.release();
  }
}
