/** The forge's bigram fit: documents, tokenization and the exact weights. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { BIGRAM_EMBEDDING_VALUE, buildBigramFit, splitFitDocuments } from '../../harness/forge/buildBigramFit.js';
import { buildForgeVocabulary, FORGE_BASE_VOCAB_SIZE } from '../../harness/forge/buildForgeVocabulary.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { tokenizeWithForgeVocabulary } from '../../harness/forge/tokenizeWithForgeVocabulary.js';

const vocab = buildForgeVocabulary(FORGE_BASE_VOCAB_SIZE);
const dims = FORGE_PRESETS.bigram;

describe('tokenizeWithForgeVocabulary', () => {
  it('prepends ▁, maps spaces to ▁, characters to their tokens and other text to UTF-8 byte tokens', () => {
    // ▁ = 259, '!' = 260 … 'a' = 260 + 0x61 − 0x21 = 324; bytes at 3 + byte.
    expect(tokenizeWithForgeVocabulary('a b', vocab)).toEqual([259, 324, 259, 325]);
    expect(tokenizeWithForgeVocabulary('é\n', vocab)).toEqual([259, 3 + 0xc3, 3 + 0xa9, 3 + 0x0a]);
    expect(tokenizeWithForgeVocabulary('', vocab)).toEqual([]);
  });
});

describe('splitFitDocuments', () => {
  it('cuts at blank lines, normalises line endings and trims', () => {
    expect(splitFitDocuments('One.\r\nTwo.\r\n\r\n  Three. \n \n\n\nFour.\n')).toEqual(['One.\nTwo.', 'Three.', 'Four.']);
  });
});

describe('buildBigramFit', () => {
  it('counts bigrams after BOS per document and writes one-hot embeddings and log-probability outputs', () => {
    const k = 0.5;
    const fit = buildBigramFit('ab\n\nab a', vocab, dims, k);
    const V = dims.vocabSize;
    const H = dims.hiddenSize;
    const [bos, space, a, b] = [1, 259, 324, 325];
    // Documents [<s> ▁ a b] and [<s> ▁ a b ▁ a]: bigrams <s>▁ ×2, ▁a ×3, ab ×2, b▁ ×1.
    expect(fit).toMatchObject({ documents: 2, bigrams: 8, distinctBigrams: 4, smoothing: k, embeddingValue: 127 / 64 });
    expect(fit.logProbs[space * V + a]).toBeCloseTo(Math.log((3 + k) / (3 + k * V)), 12);
    expect(fit.logProbs[a * V + b]).toBeCloseTo(Math.log((2 + k) / (2 + k * V)), 12);
    expect(fit.logProbs[bos * V + b]).toBeCloseTo(Math.log(k / (2 + k * V)), 12);
    expect(fit.logProbs[7 * V + 9]).toBeCloseTo(-Math.log(V), 12); // never seen first: uniform
    const s = BIGRAM_EMBEDDING_VALUE / Math.sqrt(BIGRAM_EMBEDDING_VALUE ** 2 / H + dims.rmsNormEps);
    expect(fit.normalizedValue).toBeCloseTo(s, 12);
    expect(fit.embedding[a * H + a]).toBe(127 / 64);
    expect(fit.embedding.reduce((sum, x) => sum + x, 0)).toBeCloseTo(V * (127 / 64), 6);
    expect(fit.output[b * H + a]).toBe(Math.fround(fit.logProbs[a * V + b]! / s));
    expect(fit.output[b * H + V]).toBe(0); // hidden columns beyond the vocabulary
    // Every context's probabilities sum to 1.
    for (const t of [bos, space, a, 100]) {
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(fit.logProbs[t * V + v]!);
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('refuses shapes it cannot fit, bad smoothing and empty text', () => {
    expect(() => buildBigramFit('x', vocab, FORGE_PRESETS.tiny)).toThrow(ConfigError);
    expect(() => buildBigramFit('x', vocab, { ...dims, tiedEmbeddings: true })).toThrow(/untied/);
    expect(() => buildBigramFit('x', vocab, dims, 0)).toThrow(/smoothing/);
    expect(() => buildBigramFit('\n\n', vocab, dims)).toThrow(/no tokens/);
  });
});
