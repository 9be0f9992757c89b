/**
 * The whole natural-log softmax of one row of logits, as decode sessions hand it over: max-subtracted,
 * the sum of exponentials taken in float64, the result stored as float32.
 */

/**
 * @param logits a flat array holding rows of `length` logits
 * @param offset index of the first logit of the row
 * @param length length of the row (the vocabulary size)
 * @param out where to write; a new array of `length` when omitted. Must be at least `length` long.
 * @returns `out` (or the new array) with `out[i]` = ln softmax(row)[i]
 */
export function logSoftmax(logits: ArrayLike<number>, offset: number, length: number, out?: Float32Array): Float32Array {
  const target = out ?? new Float32Array(length);
  if (target.length < length) throw new RangeError(`output holds ${target.length} values, ${length} needed`);
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = logits[offset + i]!;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(logits[offset + i]! - max);
  const logSum = Math.log(sum);
  // Same order of operations as logSoftmaxAt, so a session and `score` agree to float32 rounding.
  for (let i = 0; i < length; i++) target[i] = logits[offset + i]! - max - logSum;
  return target;
}
