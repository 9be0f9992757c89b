/**
 * The ensemble's combination of its stages' next-token distributions (natural-log probabilities), in
 * float64:
 * - `mean-prob`: ln Σᵢ wᵢ pᵢ(t), each term's exponent shifted by the largest (log-sum-exp over stages);
 * - `mean-logprob`: sᵢ(t) = Σᵢ wᵢ ln pᵢ(t), then s(t) − ln Σₜ exp s(t) (log-sum-exp over the vocabulary),
 *   the normalised product of experts.
 */

/** How distributions combine. */
export type CombineMode = 'mean-prob' | 'mean-logprob';

/**
 * @param rows each stage's ln p over the vocabulary (all at least `out.length` long)
 * @param weights one weight per row, summing to 1
 * @param mode the combination
 * @param out receives the combined ln p of every token id
 * @returns `out`
 */
export function combineLogprobs(rows: readonly ArrayLike<number>[], weights: readonly number[], mode: CombineMode, out: Float64Array): Float64Array {
  const size = out.length;
  if (mode === 'mean-prob') {
    const logWeights = weights.map(Math.log);
    for (let t = 0; t < size; t++) {
      let max = -Infinity;
      for (let i = 0; i < rows.length; i++) {
        const v = logWeights[i]! + rows[i]![t]!;
        if (v > max) max = v;
      }
      if (max === -Infinity) {
        out[t] = -Infinity;
        continue;
      }
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += Math.exp(logWeights[i]! + rows[i]![t]! - max);
      out[t] = max + Math.log(sum);
    }
    return out;
  }
  let max = -Infinity;
  for (let t = 0; t < size; t++) {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += weights[i]! * rows[i]![t]!;
    out[t] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let t = 0; t < size; t++) sum += Math.exp(out[t]! - max);
  const logNorm = max + Math.log(sum);
  for (let t = 0; t < size; t++) out[t] = out[t]! - logNorm;
  return out;
}
