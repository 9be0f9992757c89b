/**
 * McNemar's test for paired binary outcomes, exact: of the n = b + c discordant pairs (b: right in A only,
 * c: right in B only), under "no difference" each is A's or B's with probability ½, so b ~ Binomial(n, ½).
 * The one-sided p-value of "B is worse" is P(X ≥ b); the two-sided one is min(1, 2·P(X ≤ min(b, c))).
 * Computed in log space, exact for any count a benchmark produces (no χ² approximation, which is poor
 * below about 25 discordant pairs). McNemar, Psychometrika 12 (1947); the exact form as in Fagerland,
 * Lydersen & Laake, BMC Med Res Methodol 13:91 (2013).
 */

/** Exact McNemar p-values for `b` and `c` discordant pairs. */
export function mcnemarExact(b: number, c: number): { n: number; oneSided: number; twoSided: number } {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar counts must be non-negative integers (got ${b}, ${c})`);
  const n = b + c;
  if (n === 0) return { n, oneSided: 1, twoSided: 1 };
  return { n, oneSided: Math.min(1, upperTail(n, b)), twoSided: Math.min(1, 2 * upperTail(n, Math.max(b, c))) };
}

/** P(X ≥ k) for X ~ Binomial(n, ½). */
function upperTail(n: number, k: number): number {
  // Terms ln C(n, i) − n ln 2 for i ≥ k, summed from the largest (log-sum-exp).
  const logTerms: number[] = [];
  let logC = 0; // ln C(n, 0)
  let max = -Infinity;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    if (i < k) continue;
    const t = logC - n * Math.LN2;
    logTerms.push(t);
    if (t > max) max = t;
  }
  let sum = 0;
  for (const t of logTerms) sum += Math.exp(t - max);
  return Math.exp(max) * sum;
}
