/**
 * Summary statistics of raw samples. Small and exact: the tests assert every field on fixed samples.
 */
import { studentTQuantile } from './studentTQuantile.js';

/** Summary of a sample; every latency and throughput metric in `result.json` has this shape. */
export interface Stats {
  /** Number of samples. */
  n: number;
  mean: number;
  /** 50th percentile (linear interpolation between closest ranks). */
  median: number;
  /** Sample standard deviation (n − 1 denominator); null when n < 2. */
  stdev: number | null;
  /** Coefficient of variation, stdev ÷ mean; null when n < 2 or the mean is 0. */
  cv: number | null;
  min: number;
  max: number;
  /** 90th percentile (linear interpolation). */
  p90: number;
  /** 99th percentile (linear interpolation). */
  p99: number;
  /** Two-sided 95% confidence interval of the mean (Student's t); null when n < 2. */
  ci95: [number, number] | null;
}

/**
 * Percentile `p` (0..1) of ascending-sorted values by linear interpolation between closest ranks
 * (Hyndman–Fan type 7, the default of R, NumPy and spreadsheets).
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample');
  if (p < 0 || p > 1) throw new RangeError(`percentile ${p} outside [0, 1]`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/** Summarises raw samples; returns null for an empty sample. Non-finite samples are rejected. */
export function summarize(samples: readonly number[]): Stats | null {
  const n = samples.length;
  if (n === 0) return null;
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new RangeError(`non-finite sample ${x}`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let stdev: number | null = null;
  let ci95: [number, number] | null = null;
  if (n >= 2) {
    let ss = 0;
    for (const x of sorted) ss += (x - mean) ** 2;
    stdev = Math.sqrt(ss / (n - 1));
    const half = studentTQuantile(0.975, n - 1) * (stdev / Math.sqrt(n));
    ci95 = [mean - half, mean + half];
  }
  return {
    n,
    mean,
    median: percentileSorted(sorted, 0.5),
    stdev,
    cv: stdev === null || mean === 0 ? null : stdev / Math.abs(mean),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p90: percentileSorted(sorted, 0.9),
    p99: percentileSorted(sorted, 0.99),
    ci95,
  };
}
