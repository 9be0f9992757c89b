/**
 * Entry-by-entry comparison of two models' vocabularies (`LoadedModel.vocabulary()`): whether token ids
 * mean the same in both, and where they first stop doing so.
 */

/** The first difference between two vocabularies. */
export type VocabularyDifference =
  /** Token `id` is `a` in the first vocabulary and `b` in the second. */
  | { kind: 'token'; id: number; a: string; b: string }
  /** One vocabulary is a prefix of the other: every shared id agrees, the sizes differ. */
  | { kind: 'size'; a: number; b: number };

/** @returns null when both list the same tokens by id, else their first difference */
export function compareVocabularies(a: readonly string[], b: readonly string[]): VocabularyDifference | null {
  const shared = Math.min(a.length, b.length);
  for (let id = 0; id < shared; id++) {
    if (a[id] !== b[id]) return { kind: 'token', id, a: a[id]!, b: b[id]! };
  }
  return a.length === b.length ? null : { kind: 'size', a: a.length, b: b.length };
}
