/**
 * Weights that make a forged model an exact bigram model of a text (`forgeModel({ fit })`).
 *
 * The text is cut into documents at blank lines (line endings normalised to `\n`, each document trimmed);
 * each document is tokenized as the model's tokenizer does, BOS first. With `n(t)` the number of bigrams
 * whose first token is `t` and `n(t, v)` those followed by `v`, add-k smoothing over the whole vocabulary
 * (`V` tokens) gives
 *
 *     p(v | t) = (n(t, v) + k) / (n(t) + k·V)
 *
 * (uniform for a token never seen first). The model computes it exactly, up to float32 rounding:
 * - token embedding row t = c·e_t (one-hot, c = 127/64: exact in F16, Q8_0 and Q4_0, so every weight type
 *   carries the same embedding), which needs `hiddenSize ≥ vocabSize`;
 * - the attention output and MLP down projections are exactly zero, so every block adds zero to the
 *   residual stream, which carries c·e_t to the final RMSNorm (weight 1);
 * - RMSNorm turns c·e_t into s·e_t with s = c / sqrt(c²/hiddenSize + eps);
 * - output (LM head) row v, column t = ln p(v | t) / s (columns ≥ V are 0), so the logits after token t
 *   are ln p(· | t), whose log-softmax is ln p(· | t) itself since the probabilities sum to 1.
 * Every other weight keeps its seeded random value (the compute stays that of the shape). Quantizing the
 * LM head perturbs the log-probabilities, which is what makes perplexity degrade under Q8_0 and Q4_0.
 */
import { ConfigError } from '../errors.js';
import type { ForgeVocabulary } from './buildForgeVocabulary.js';
import type { ForgeDimensions } from './forgePresets.js';
import { tokenizeWithForgeVocabulary } from './tokenizeWithForgeVocabulary.js';

/** The value of the one-hot embeddings. */
export const BIGRAM_EMBEDDING_VALUE = 127 / 64;

/** Default add-k smoothing constant. */
export const DEFAULT_FIT_SMOOTHING = 0.01;

/** A fitted bigram model and the weights that realise it. */
export interface BigramFit {
  /** Add-k constant. */
  smoothing: number;
  /** Documents the text was cut into. */
  documents: number;
  /** Bigrams counted (tokens after BOS, summed over documents). */
  bigrams: number;
  /** Distinct bigrams seen. */
  distinctBigrams: number;
  /** c, the one-hot embedding value. */
  embeddingValue: number;
  /** s, the value of the one-hot after RMSNorm. */
  normalizedValue: number;
  /** ln p(v | t) at `t·V + v` (float64). */
  logProbs: Float64Array;
  /** token_embd.weight, row-major [vocab, hidden]. */
  embedding: Float32Array;
  /** output.weight, row-major [vocab, hidden]. */
  output: Float32Array;
}

/** Cuts a text into documents: blank lines separate them; each is trimmed; empty ones are dropped. */
export function splitFitDocuments(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((document) => document.trim())
    .filter((document) => document.length > 0);
}

/** Fits the bigram model of `text`; see the module comment. */
export function buildBigramFit(text: string, vocab: ForgeVocabulary, dims: ForgeDimensions, smoothing = DEFAULT_FIT_SMOOTHING): BigramFit {
  const V = dims.vocabSize;
  const H = dims.hiddenSize;
  if (dims.tiedEmbeddings) {
    throw new ConfigError('forge --fit needs an untied output matrix (tiedEmbeddings false): the embedding is one-hot, the output holds log-probabilities');
  }
  if (H < V) {
    throw new ConfigError(`forge --fit needs hiddenSize ≥ vocabSize for one-hot embeddings, got hiddenSize ${H} < vocabSize ${V} (use the bigram preset)`);
  }
  if (!(Number.isFinite(smoothing) && smoothing > 0)) throw new ConfigError(`forge fit smoothing must be a positive number, got ${smoothing}`);
  const documents = splitFitDocuments(text);
  const counts = new Float64Array(V * V);
  const totals = new Float64Array(V);
  let bigrams = 0;
  for (const document of documents) {
    const ids = [vocab.bosId, ...tokenizeWithForgeVocabulary(document, vocab)];
    for (let i = 1; i < ids.length; i++) {
      counts[ids[i - 1]! * V + ids[i]!]!++;
      totals[ids[i - 1]!]!++;
      bigrams++;
    }
  }
  if (bigrams === 0) throw new ConfigError('forge --fit: the text has no tokens to fit');
  let distinctBigrams = 0;
  for (const n of counts) if (n > 0) distinctBigrams++;

  const c = BIGRAM_EMBEDDING_VALUE;
  const s = c / Math.sqrt((c * c) / H + dims.rmsNormEps);
  const logProbs = new Float64Array(V * V);
  const embedding = new Float32Array(V * H);
  const output = new Float32Array(V * H);
  for (let t = 0; t < V; t++) {
    embedding[t * H + t] = c;
    const denominator = totals[t]! + smoothing * V;
    for (let v = 0; v < V; v++) {
      const lp = Math.log((counts[t * V + v]! + smoothing) / denominator);
      logProbs[t * V + v] = lp;
      output[v * H + t] = lp / s;
    }
  }
  return { smoothing, documents: documents.length, bigrams, distinctBigrams, embeddingValue: c, normalizedValue: s, logProbs, embedding, output };
}
