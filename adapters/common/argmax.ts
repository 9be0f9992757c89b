/**
 * The greedy rule, shared by generation and scoring so that a token generated greedily is always scored
 * as greedy: the highest value wins, ties go to the lowest index.
 */

/**
 * @param values a flat array holding rows of values
 * @param offset index of the first value of the row
 * @param length length of the row
 * @returns the index within the row of its highest value (0 when no value beats -Infinity, e.g. all NaN)
 */
export function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}
