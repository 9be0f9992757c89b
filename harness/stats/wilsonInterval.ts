/**
 * The Wilson score interval of a proportion (Wilson, JASA 22 (1927)): for k successes in n trials at
 * confidence 1 − α, centre (p + z²/2n) ÷ (1 + z²/n), half-width z·√(p(1−p)/n + z²/4n²) ÷ (1 + z²/n). Unlike
 * the normal interval it stays inside [0, 1] and does not collapse to a point at 0 or n successes.
 */
import { normalQuantile } from './normalQuantile.js';

/** @returns [low, high]; [0, 1] when n is 0 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): [number, number] {
  if (!(n >= 0) || successes < 0 || successes > n) throw new RangeError(`wilsonInterval: ${successes} of ${n}`);
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 or n successes the interval reaches 0 or 1 exactly (rounding would leave 1e-17).
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}
