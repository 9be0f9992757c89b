/**
 * One-sided Mann-Whitney U test (Wilcoxon rank-sum test) of two independent samples.
 *
 * U of `x` counts the pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½ (equivalently R₁ − n₁(n₁+1)/2 with
 * mid-ranks). With `alternative: 'greater'` the p-value is P(U ≥ u) under the null hypothesis that both
 * samples come from one distribution ("x tends to be larger than y"); with `'less'` it is P(U ≤ u).
 *
 * - `exact`: the permutation distribution of U given the observed (mid-)ranks, counted by dynamic
 *   programming over doubled ranks, so it is exact with ties too (conditional on the tie pattern).
 *   Without ties it equals the classical table (and scipy's `method='exact'`).
 * - `normal`: normal approximation with tie correction and continuity correction, as scipy's
 *   `method='asymptotic'`: σ² = n₁n₂/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))), z = (U − n₁n₂/2 ∓ ½)/σ.
 */
import { normalCdf } from './normalCdf.js';

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyOptions {
  /** `'greater'`: H₁ "x tends to be larger than y"; `'less'`: "x tends to be smaller". Default: `'greater'`. */
  alternative?: 'greater' | 'less';
  /**
   * `'exact'` (permutation distribution), `'normal'` (approximation), or `'auto'`: exact when
   * n₁ + n₂ ≤ {@link EXACT_MAX_TOTAL}, normal otherwise. Default: `'auto'`.
   */
  method?: 'auto' | 'exact' | 'normal';
  /** Continuity correction of the normal approximation. Default: true. */
  continuity?: boolean;
}

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of the first sample: pairs with x > y, ties counting ½. */
  u: number;
  /** Size of the first sample. */
  n1: number;
  /** Size of the second sample. */
  n2: number;
  /** The alternative hypothesis tested. */
  alternative: 'greater' | 'less';
  /** How the p-value was computed. */
  method: 'exact' | 'normal';
  /** One-sided p-value. */
  pValue: number;
  /** The standardized statistic of the normal approximation; null for the exact method. */
  z: number | null;
  /** Whether any value occurs more than once across both samples. */
  ties: boolean;
}

/** Largest n₁ + n₂ for which `method: 'auto'` counts the exact distribution (counts stay below 2^53). */
export const EXACT_MAX_TOTAL = 50;

/** Largest n₁ + n₂ for which `method: 'exact'` is accepted (its cost grows as N⁴). */
export const EXACT_LIMIT_TOTAL = 120;

/** One-sided Mann-Whitney U test of `x` against `y`. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  const alternative = options.alternative ?? 'greater';
  const continuity = options.continuity ?? true;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U test needs two non-empty samples');
  for (const v of [...x, ...y]) {
    if (!Number.isFinite(v)) throw new RangeError(`non-finite value ${v} in a Mann-Whitney sample`);
  }
  const n = n1 + n2;
  const method = options.method === 'exact' || (options.method !== 'normal' && n <= EXACT_MAX_TOTAL) ? 'exact' : 'normal';
  if (method === 'exact' && n > EXACT_LIMIT_TOTAL) {
    throw new RangeError(`exact Mann-Whitney distribution asked for ${n} values; the limit is ${EXACT_LIMIT_TOTAL} (use method 'normal' or 'auto')`);
  }

  // Doubled mid-ranks (integers) of the pooled sample, and the tie groups.
  const pooled = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  const doubledRanks: number[] = new Array<number>(n);
  let tieTerm = 0;
  let ties = false;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && pooled[j + 1]!.v === pooled[i]!.v) j++;
    const t = j - i + 1;
    if (t > 1) ties = true;
    tieTerm += t * t * t - t;
    // Ranks i+1 … j+1 share the mid-rank (i + j + 2)/2; doubled: i + j + 2.
    for (let k = i; k <= j; k++) doubledRanks[k] = i + j + 2;
    i = j + 1;
  }
  let doubledR1 = 0;
  pooled.forEach((p, k) => {
    if (p.first) doubledR1 += doubledRanks[k]!;
  });
  const u = (doubledR1 - n1 * (n1 + 1)) / 2;

  if (method === 'exact') {
    return { u, n1, n2, alternative, method, pValue: exactTail(doubledRanks, n1, doubledR1, alternative), z: null, ties };
  }
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, n1, n2, alternative, method, pValue: 1, z: null, ties };
  const correction = continuity ? 0.5 : 0;
  const sd = Math.sqrt(variance);
  if (alternative === 'greater') {
    const z = (u - mean - correction) / sd;
    return { u, n1, n2, alternative, method, pValue: normalCdf(-z), z, ties };
  }
  const z = (u - mean + correction) / sd;
  return { u, n1, n2, alternative, method, pValue: normalCdf(z), z, ties };
}

/**
 * P(R₁ ≥ observed) ('greater') or P(R₁ ≤ observed) ('less') when the first sample's n₁ ranks are a
 * uniformly random subset of the pooled ranks: counts[k][s] = subsets of size k with doubled-rank sum s.
 */
function exactTail(doubledRanks: readonly number[], n1: number, observed: number, alternative: 'greater' | 'less'): number {
  let maxSum = 0;
  for (const r of doubledRanks) maxSum += r;
  // counts[k] is a row over sums 0 … maxSum; processed item by item, k descending (0/1 knapsack).
  const counts: Float64Array[] = [];
  for (let k = 0; k <= n1; k++) counts.push(new Float64Array(maxSum + 1));
  counts[0]![0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    reach += r;
    for (let k = n1; k >= 1; k--) {
      const to = counts[k]!;
      const from = counts[k - 1]!;
      for (let s = reach; s >= r; s--) to[s]! += from[s - r]!;
    }
  }
  const row = counts[n1]!;
  let total = 0;
  let tail = 0;
  for (let s = 0; s <= maxSum; s++) {
    const c = row[s]!;
    total += c;
    if (alternative === 'greater' ? s >= observed : s <= observed) tail += c;
  }
  return tail / total;
}
