/** contains: 1 when any normalised reference occurs inside the normalised prediction, else 0. */
import { normalizeAnswer, type NormalizeOptions } from './normalizeAnswer.js';

export function containsMatch(prediction: string, references: readonly string[], options: NormalizeOptions = {}): number {
  const p = normalizeAnswer(prediction, options);
  return references.some((r) => p.includes(normalizeAnswer(r, options))) ? 1 : 0;
}
