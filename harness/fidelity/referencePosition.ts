import type { ReferencePosition } from './FidelityReference.js';

/**
 * The stored form of one reference distribution: its `k` most likely tokens (most likely first, the lower
 * id first among equals) with their ln p, the mass of every other token, and ln p of `target`.
 * @param logprobs ln p of every token id (a decode session's `logprobs`)
 */
export function referencePosition(logprobs: Float32Array, target: number, k: number): ReferencePosition {
  const ids = topIds(logprobs, k);
  return { ids, logprobs: ids.map((id) => logprobs[id]!), rest: restMass(logprobs, ids), target: logprobs[target]! };
}

/** The `k` ids of the largest values, largest first; among equal values the lower id first. */
export function topIds(values: Float32Array, k: number): number[] {
  const n = Math.min(k, values.length);
  // A sorted buffer of the best so far (largest first): a value enters only when it beats the smallest.
  const best: number[] = [];
  const better = (a: number, b: number) => values[a]! > values[b]! || (values[a] === values[b] && a < b);
  for (let id = 0; id < values.length; id++) {
    if (best.length === n) {
      if (n === 0 || !better(id, best[n - 1]!)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && better(id, best[at - 1]!)) at--;
    best.splice(at, 0, id);
  }
  return best;
}

/** Σ exp(logprobs[i]) over the ids not in `excluded`, in float64. */
export function restMass(logprobs: Float32Array, excluded: readonly number[]): number {
  const skip = new Set(excluded);
  let sum = 0;
  for (let id = 0; id < logprobs.length; id++) if (!skip.has(id)) sum += Math.exp(logprobs[id]!);
  return sum;
}
