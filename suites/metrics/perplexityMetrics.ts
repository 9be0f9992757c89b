/**
 * Corpus-level perplexity metrics from per-document totals, as lm-evaluation-harness aggregates
 * `loglikelihood_rolling` (weighted by each document's size, not an average of per-document values).
 */

/** One document's totals. */
export interface DocumentLogLikelihood {
  /** Sum of the natural-log probabilities of its tokens. */
  logLikelihood: number;
  /** Tokens predicted (every document token; BOS is context, never counted). */
  tokens: number;
  /** Words: pieces of the text split on runs of white space (`re.split(r"\s+", text)`). */
  words: number;
  /** UTF-8 bytes of the text. */
  bytes: number;
}

/** The metrics, each computed over all documents together. */
export interface PerplexityValues {
  /** Mean negative log-likelihood per token (nats). */
  nll_per_token: number;
  /** exp(nll_per_token). */
  token_perplexity: number;
  /** exp(−Σ log-likelihood / Σ words). */
  word_perplexity: number;
  /** exp(−Σ log-likelihood / Σ bytes). */
  byte_perplexity: number;
  /** −Σ log-likelihood / Σ bytes / ln 2. */
  bits_per_byte: number;
}

/** Computes the metrics over documents. */
export function perplexityMetrics(documents: readonly DocumentLogLikelihood[]): PerplexityValues {
  let ll = 0;
  let tokens = 0;
  let words = 0;
  let bytes = 0;
  for (const d of documents) {
    ll += d.logLikelihood;
    tokens += d.tokens;
    words += d.words;
    bytes += d.bytes;
  }
  const nll = -ll / tokens;
  return {
    nll_per_token: nll,
    token_perplexity: Math.exp(nll),
    word_perplexity: Math.exp(-ll / words),
    byte_perplexity: Math.exp(-ll / bytes),
    bits_per_byte: -ll / bytes / Math.LN2,
  };
}

/** Words as lm-evaluation-harness counts them: `len(re.split(r"\s+", text))`. */
export function countWords(text: string): number {
  return text.split(/\s+/).length;
}
