/** exact_match: 1 when the normalised prediction equals any normalised reference, else 0. */
import { normalizeAnswer, type NormalizeOptions } from './normalizeAnswer.js';

export function exactMatch(prediction: string, references: readonly string[], options: NormalizeOptions = {}): number {
  const p = normalizeAnswer(prediction, options);
  return references.some((r) => normalizeAnswer(r, options) === p) ? 1 : 0;
}
