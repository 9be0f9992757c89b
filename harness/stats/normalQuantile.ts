/**
 * Quantile of the standard normal distribution, by bisection on {@link normalCdf} (to about 1e-12), and
 * its 0.975 quantile {@link Z95} (two-sided 95% intervals of `value ± Z95·stderr` estimates).
 */
import { normalCdf } from './normalCdf.js';

/** z quantile of a two-sided 95% normal interval, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/** x with Φ(x) = p, for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability ${p} outside (0, 1)`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -normalQuantile(1 - p);
  let lo = 0;
  let hi = 1;
  while (normalCdf(hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
