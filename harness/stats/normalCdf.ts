/**
 * The standard normal distribution function Φ(x), through the regularized incomplete gamma function:
 * Φ(x) = ½·erfc(−x/√2) and erfc(z) = Q(½, z²) for z ≥ 0 (Abramowitz & Stegun 7.1.2, 6.5.17), with Q
 * by its series below a² + 1 and its continued fraction above (Numerical Recipes §6.2). Relative error
 * about 1e-15 over the range that matters for p-values; no table, no polynomial fit.
 */

/** ln Γ(½) = ½ ln π. */
const LOG_GAMMA_HALF = 0.5 * Math.log(Math.PI);

/** P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const z = Math.abs(x) / Math.SQRT2;
  const erfcZ = upperGammaHalf(z * z);
  return x >= 0 ? 1 - 0.5 * erfcZ : 0.5 * erfcZ;
}

/** Q(½, t) = Γ(½, t) ÷ Γ(½), the regularized upper incomplete gamma function at a = ½. */
function upperGammaHalf(t: number): number {
  const a = 0.5;
  if (t === 0) return 1;
  const front = Math.exp(-t + a * Math.log(t) - LOG_GAMMA_HALF);
  if (t < a + 1) {
    // Series of P(a, t) = front · Σ t^k / (a (a+1) … (a+k)).
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 500; k++) {
      term *= t / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - front * sum;
  }
  // Continued fraction of Q(a, t) (modified Lentz).
  const tiny = 1e-300;
  let b = t + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return front * h;
}
