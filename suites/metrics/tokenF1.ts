/**
 * Token F1 as SQuAD scores it: both texts lower-cased, ASCII punctuation removed, the articles a/an/the
 * removed, split on white space; F1 of the bag-of-tokens overlap. When either side has no tokens the
 * score is 1 if both have none, else 0. The best score over the references is returned.
 */

/** SQuAD's answer normalisation, as tokens. */
export function squadTokens(text: string): string[] {
  const lowered = text.toLowerCase().replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '');
  return lowered.replace(/\b(a|an|the)\b/g, ' ').split(/\s+/).filter((t) => t.length > 0);
}

/** F1 of one prediction against one reference. */
export function tokenF1Single(prediction: string, reference: string): number {
  const p = squadTokens(prediction);
  const r = squadTokens(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Best F1 over the references. */
export function tokenF1(prediction: string, references: readonly string[]): number {
  return references.reduce((best, r) => Math.max(best, tokenF1Single(prediction, r)), 0);
}
