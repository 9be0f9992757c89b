import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../harness/stats/mannWhitneyU.js';
import { normalCdf } from '../../harness/stats/normalCdf.js';

/** U of x against y by counting pairs, ties ½. */
function pairU(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/** Exact one-sided p by enumerating every way to split the pooled values into groups of n1 and n2. */
function permutationP(x: readonly number[], y: readonly number[], alternative: 'greater' | 'less'): number {
  const pooled = [...x, ...y];
  const observed = pairU(x, y);
  let hits = 0;
  let total = 0;
  const choose = (start: number, picked: number[]) => {
    if (picked.length === x.length) {
      const a = picked.map((i) => pooled[i]!);
      const b = pooled.filter((_, i) => !picked.includes(i));
      const u = pairU(a, b);
      total++;
      if (alternative === 'greater' ? u >= observed - 1e-9 : u <= observed + 1e-9) hits++;
      return;
    }
    for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return hits / total;
}

describe('normalCdf', () => {
  // Reference values: scipy.stats.norm.cdf.
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [1.959963984540054, 0.975],
    [0.5, 0.6914624612740131],
    [-0.3, 0.3820885778110474],
    [2.5, 0.9937903346742238],
    [-1.7, 0.04456546275854304],
    [-3, 0.0013498980316300933],
    [-5, 2.866515718791933e-7],
    [-8, 6.22096057427174e-16],
    [-10, 7.61985302416047e-24],
  ])('Φ(%f) = %f', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThanOrEqual(expected * 1e-13);
  });
});

describe('mannWhitneyU, exact', () => {
  it('matches the classical tables on samples without ties', () => {
    // Completely separated samples of 3 and 3: 1 of C(6,3) = 20 splits (scipy: 0.05).
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6], { alternative: 'less' })).toMatchObject({ u: 0, pValue: 1 / 20, method: 'exact' });
    // 4 against 3: 1 of C(7,3) = 35 (scipy: 0.02857142857142857).
    expect(mannWhitneyU([4, 5, 6, 7], [1, 2, 3])).toMatchObject({ u: 12, pValue: 1 / 35, alternative: 'greater' });
  });

  it('equals a brute-force enumeration of every split, ties included', () => {
    const cases: Array<[number[], number[]]> = [
      [[1.2, 3.4, 2.2, 5.0], [0.9, 1.1, 2.0]],
      [[3, 3, 4, 5, 5], [1, 3, 3, 4]],
      [[2, 2, 2], [2, 2, 3, 1]],
      [[10, 11, 12, 10.5, 9.5, 13], [9, 10, 10.5, 8, 11, 9.5, 7]],
      [[1, 1, 2, 2, 3], [1, 2, 2, 3, 3, 4]],
    ];
    for (const [x, y] of cases) {
      for (const alternative of ['greater', 'less'] as const) {
        const r = mannWhitneyU(x, y, { alternative });
        expect(r.u).toBe(pairU(x, y));
        expect(r.pValue).toBeCloseTo(permutationP(x, y, alternative), 14);
      }
    }
    expect(mannWhitneyU([3, 3, 4, 5, 5], [1, 3, 3, 4]).ties).toBe(true);
    expect(mannWhitneyU([1.2, 3.4], [0.9]).ties).toBe(false);
  });

  it('gives p = 1 when every value is tied', () => {
    expect(mannWhitneyU([2, 2], [2, 2, 2]).pValue).toBe(1);
    expect(mannWhitneyU([2, 2], [2, 2, 2], { method: 'normal' }).pValue).toBe(1);
  });
});

describe('mannWhitneyU, normal approximation', () => {
  const x = [12.1, 11.8, 12.5, 12.0, 12.3, 11.9, 12.2, 12.4, 12.6, 12.0, 11.7, 12.8];
  const y = [11.5, 11.9, 11.6, 12.0, 11.4, 11.8, 11.7, 11.3, 12.1, 11.6, 11.2, 11.9];

  it('uses the tie-corrected variance and the continuity correction', () => {
    const r = mannWhitneyU(x, y, { method: 'normal' });
    expect(r.u).toBe(127.5);
    // By hand: pooled ties 11.6×2, 11.7×2, 11.8×2, 11.9×3, 12.0×3, 12.1×2 → Σ(t³ − t) = 4·6 + 2·24 = 72.
    const n = 24;
    const sigma = Math.sqrt(((12 * 12) / 12) * (n + 1 - 72 / (n * (n - 1))));
    const z = (127.5 - 72 - 0.5) / sigma;
    expect(r.z).toBeCloseTo(z, 14);
    expect(r.pValue).toBeCloseTo(1 - normalCdf(z), 15);
    // scipy.stats.mannwhitneyu(x, y, alternative='greater', method='asymptotic').pvalue
    expect(r.pValue).toBeCloseTo(0.0007269207495214639, 15);
    expect(mannWhitneyU(x, y, { method: 'normal', alternative: 'less' }).pValue).toBeCloseTo(0.9994057568210979, 14);
    expect(mannWhitneyU(x, y, { method: 'normal', continuity: false }).pValue).toBeCloseTo(0.0006575001387538784, 15);
  });

  it('is what auto picks above 50 values, and close to the exact distribution there', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = a.map((v) => v + 3.5);
    const normal = mannWhitneyU(a, b, { alternative: 'less' });
    expect(normal.method).toBe('normal');
    expect(normal.u).toBe(351);
    expect(normal.pValue).toBeCloseTo(0.07265956362043272, 14); // scipy, asymptotic
    const exact = mannWhitneyU(a, b, { alternative: 'less', method: 'exact' });
    expect(exact.pValue).toBeCloseTo(0.07311552619479568, 12); // scipy, exact
  });

  it('refuses an exact distribution too large to count', () => {
    const big = Array.from({ length: 61 }, (_, i) => i);
    expect(() => mannWhitneyU(big, big, { method: 'exact' })).toThrow(RangeError);
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});
