/**
 * ROUGE-L F-measure (β = 1): the longest common subsequence of the token sequences, P = LCS / prediction
 * tokens, R = LCS / reference tokens, F = 2PR / (P + R). Tokens as rouge_score's default tokenizer makes
 * them: lower case, every character other than a–z and 0–9 is a separator, no stemming. 0 when either
 * side has no tokens. The best score over the references is returned.
 */

/** rouge_score's default tokenization (without stemming). */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').filter((t) => t.length > 0);
}

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** ROUGE-L F of one prediction against one reference. */
export function rougeLSingle(prediction: string, reference: string): number {
  const p = rougeTokens(prediction);
  const r = rougeTokens(reference);
  if (p.length === 0 || r.length === 0) return 0;
  const lcs = lcsLength(p, r);
  if (lcs === 0) return 0;
  const precision = lcs / p.length;
  const recall = lcs / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Best ROUGE-L F over the references. */
export function rougeL(prediction: string, references: readonly string[]): number {
  return references.reduce((best, r) => Math.max(best, rougeLSingle(prediction, r)), 0);
}
