/**
 * `forgeModel({ fit })`: a forged model that is an exact bigram model of a text. Its next-token
 * log-probabilities on llama.cpp (F32, f32 KV cache, no flash attention) and onnxruntime (fp32) equal the
 * smoothed bigram log-probabilities computed here from the model's own tokenization; its perplexity on a
 * held-out text is the bigram model's, and quantization raises it: Q4_0/q4 clearly, Q8_0/q8 a little. The
 * q8/q4 ONNX files hold the Q8_0/Q4_0 GGUFs' weights, so each pair's perplexities agree.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendDefinition, LoadedModel } from '../../adapters/types.js';
import { forgeModel, type ForgeResult } from '../../harness/forge/forgeModel.js';
import { DEFAULT_FIT_SMOOTHING, splitFitDocuments } from '../../harness/forge/buildBigramFit.js';
import { buildForgeVocabulary } from '../../harness/forge/buildForgeVocabulary.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { tokenizeWithForgeVocabulary } from '../../harness/forge/tokenizeWithForgeVocabulary.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { tempDir } from '../helpers/tempDir.js';

const { backendRegistry } = await import('../../adapters/registry.js');
const definition = (id: string): BackendDefinition => backendRegistry.find((d) => d.id === id)!;

const FIT_TEXT = readFileSync(new URL('../../datasets/forge/fit.txt', import.meta.url), 'utf8');
const HELDOUT_TEXT = readFileSync(new URL('../../datasets/forge/heldout.txt', import.meta.url), 'utf8');
const V = FORGE_PRESETS.bigram.vocabSize;
const K = DEFAULT_FIT_SMOOTHING;
/** llama.cpp computing as the ONNX graph does. */
const LLAMA_EXACT = { kvCacheType: 'f32', flashAttention: false, threads: 1 };

async function load(id: string, path: string, options: Record<string, unknown>): Promise<LoadedModel> {
  const def = definition(id);
  return (await def.create()).load(await detectModelFormat(path), def.optionsSchema.parse(options), { requiredContext: 512 });
}

/** Bigram counts of the fit text, tokenized by `model` (BOS first in each document). */
async function bigramLogProb(model: LoadedModel): Promise<(t: number, v: number) => number> {
  const counts = new Map<number, Map<number, number>>();
  for (const document of splitFitDocuments(FIT_TEXT)) {
    const ids = await model.tokenize(document, { addBos: true });
    for (let i = 1; i < ids.length; i++) {
      const row = counts.get(ids[i - 1]!) ?? new Map<number, number>();
      row.set(ids[i]!, (row.get(ids[i]!) ?? 0) + 1);
      counts.set(ids[i - 1]!, row);
    }
  }
  return (t, v) => {
    const row = counts.get(t);
    const total = row ? [...row.values()].reduce((a, b) => a + b, 0) : 0;
    return Math.log(((row?.get(v) ?? 0) + K) / (total + K * V));
  };
}

interface HeldOutScore {
  perplexity: number;
  /** Per-token log-probabilities, in text order. */
  logprobs: number[];
}

/** Perplexity of the held-out documents (each BOS-first; every token after BOS scored). */
async function heldOut(model: LoadedModel): Promise<HeldOutScore> {
  const logprobs: number[] = [];
  for (const document of splitFitDocuments(HELDOUT_TEXT)) {
    const ids = await model.tokenize(document, { addBos: true });
    logprobs.push(...(await model.score!(ids.slice(0, 1), ids.slice(1))).logprobs);
  }
  return { perplexity: Math.exp(-logprobs.reduce((a, b) => a + b, 0) / logprobs.length), logprobs };
}

function meanSquaredDifference(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + (x - b[i]!) ** 2, 0) / a.length;
}

describe('forge --fit: an exact bigram model', () => {
  let dir: string;
  let forged: ForgeResult;
  const scores: Record<string, HeldOutScore> = {};
  let expected: HeldOutScore;

  beforeAll(async () => {
    dir = tempDir('forge-fit');
    forged = await forgeModel({ outDir: dir, preset: 'bigram', fit: FIT_TEXT, formats: ['F32', 'Q8_0', 'Q4_0', 'transformers-js', 'onnx-q8', 'onnx-q4'] });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the fit in forge.json', () => {
    expect(forged.manifest.name).toBe('slmbench-forge-bigram-seed0-fit');
    expect(forged.manifest.fit).toMatchObject({ smoothing: 0.01, documents: 14, embeddingValue: 1.984375 });
    expect(forged.manifest.fit!.bigrams).toBe(3451);
  });

  it('gives the bigram log-probabilities on llama.cpp (F32) and onnxruntime (fp32), and their perplexity', async () => {
    const llama = await load('llama-cpp', join(dir, 'model-F32.gguf'), LLAMA_EXACT);
    const onnx = await load('onnxruntime', join(dir, 'transformersjs'), { dtype: 'fp32', intraOpThreads: 1 });
    try {
      const logProb = await bigramLogProb(llama);
      // The forge's own tokenizer (used to fit) agrees with the model's.
      const vocab = buildForgeVocabulary(V);
      for (const document of splitFitDocuments(FIT_TEXT).slice(0, 3)) {
        expect(await llama.tokenize(document, { addBos: false })).toEqual(tokenizeWithForgeVocabulary(document, vocab));
      }
      for (const text of ['Mia saw a big tree.', 'Tom held the kite string!', 'zebra quiz: 42 "xyz" ~ café']) {
        const ids = await llama.tokenize(text, { addBos: true });
        expect(await onnx.tokenize(text, { addBos: true })).toEqual(ids);
        const want = ids.slice(1).map((v, i) => logProb(ids[i]!, v));
        for (const model of [llama, onnx]) {
          const got = (await model.score!(ids.slice(0, 1), ids.slice(1))).logprobs;
          want.forEach((lp, i) => expect(Math.abs(got[i]! - lp), `${text} token ${i}`).toBeLessThan(1e-4));
        }
      }
      const heldOutLogprobs: number[] = [];
      for (const document of splitFitDocuments(HELDOUT_TEXT)) {
        const ids = await llama.tokenize(document, { addBos: true });
        for (let i = 1; i < ids.length; i++) heldOutLogprobs.push(logProb(ids[i - 1]!, ids[i]!));
      }
      expected = { perplexity: Math.exp(-heldOutLogprobs.reduce((a, b) => a + b, 0) / heldOutLogprobs.length), logprobs: heldOutLogprobs };
      scores.F32 = await heldOut(llama);
      scores.fp32 = await heldOut(onnx);
      for (const key of ['F32', 'fp32']) {
        expect(Math.abs(scores[key]!.perplexity / expected.perplexity - 1), key).toBeLessThan(1e-5);
      }
      // A real bigram model of simple English: far better than uniform over 354 tokens.
      expect(expected.perplexity).toBeGreaterThan(5);
      expect(expected.perplexity).toBeLessThan(20);
    } finally {
      await llama.dispose();
      await onnx.dispose();
    }
  });

  it('degrades under quantization in order F32 ≤ Q8_0 < Q4_0 and fp32 ≤ q8 < q4', async () => {
    for (const type of ['Q8_0', 'Q4_0']) {
      const model = await load('llama-cpp', join(dir, `model-${type}.gguf`), LLAMA_EXACT);
      scores[type] = await heldOut(model);
      await model.dispose();
    }
    for (const dtype of ['q8', 'q4']) {
      const model = await load('onnxruntime', join(dir, 'transformersjs'), { dtype, intraOpThreads: 1 });
      scores[dtype] = await heldOut(model);
      await model.dispose();
    }
    for (const [full, eight, four] of [
      ['F32', 'Q8_0', 'Q4_0'],
      ['fp32', 'q8', 'q4'],
    ] as const) {
      const base = scores[full]!;
      const p8 = scores[eight]!;
      const p4 = scores[four]!;
      // 4-bit: visibly worse.
      expect(p4.perplexity / base.perplexity, four).toBeGreaterThan(1.02);
      // 8-bit: no better than full precision, within 0.3%, and far closer than 4-bit. Measured (x86-64,
      // 1 thread): F32 10.79653, Q8_0 10.79720, Q4_0 11.15374; fp32 10.79655, q8 10.79728, q4 11.15417.
      // The direction is a fact of these weights and this text, not a theorem (an 8-bit rounding moves a
      // fixed text's perplexity by first-order noise of either sign), but its margin, 7e-4, is ~40 times
      // the float32 difference between the backends (2e-5). (Before q8 held the Q8_0 blocks, its
      // per-tensor int8 weights happened to give 10.79223, below fp32.)
      expect(p8.perplexity, eight).toBeGreaterThanOrEqual(base.perplexity);
      expect(p8.perplexity / base.perplexity - 1, eight).toBeLessThan(3e-3);
      expect((p8.perplexity - base.perplexity) * 5, eight).toBeLessThan(p4.perplexity - base.perplexity);
      // Per-token log-probabilities move away from the full-precision model's in order: 0 < 8-bit < 4-bit.
      const d8 = meanSquaredDifference(p8.logprobs, base.logprobs);
      const d4 = meanSquaredDifference(p4.logprobs, base.logprobs);
      expect(d8, eight).toBeGreaterThan(0);
      expect(d8 * 10, `${eight} vs ${four}`).toBeLessThan(d4);
    }
    // Same weights: the ONNX q8 (q4) and GGUF Q8_0 (Q4_0) perplexities differ only by llama.cpp's 8-bit
    // rounding of activations and float32 rounding (measured 8e-6 and 4e-5 relative).
    for (const [gguf, onnx] of [
      ['Q8_0', 'q8'],
      ['Q4_0', 'q4'],
    ] as const) {
      expect(Math.abs(scores[onnx]!.perplexity / scores[gguf]!.perplexity - 1), `${onnx} vs ${gguf}`).toBeLessThan(2e-4);
    }
  });

  it('refuses shapes the construction cannot fit', async () => {
    await expect(forgeModel({ outDir: join(dir, 'no'), preset: 'tiny', fit: FIT_TEXT, formats: ['F32'] })).rejects.toThrow(/hiddenSize ≥ vocabSize/);
    await expect(
      forgeModel({ outDir: join(dir, 'no'), preset: 'bigram', dimensions: { tiedEmbeddings: true }, fit: FIT_TEXT, formats: ['F32'] }),
    ).rejects.toThrow(/untied/);
    await expect(forgeModel({ outDir: join(dir, 'no'), preset: 'bigram', fit: ' \n\n ', formats: ['F32'] })).rejects.toThrow(/no tokens/);
  });
});
