/**
 * Percentile-bootstrap confidence interval of the median or the mean of a sample, with a seeded
 * generator so that the same sample, options and seed always give the same interval, to the last bit.
 *
 * Each resample draws n indices uniformly with replacement (`floor(u · n)`, u from {@link seededUniform})
 * into the ascending-sorted sample, so the interval does not depend on the order of the samples. The
 * median of a resample is found by counting how often each sorted position was drawn (O(n) per
 * resample, no sorting) and equals {@link percentileSorted} at 0.5 of the sorted resample exactly.
 * The interval is the type-7 percentile of the bootstrap distribution at (1 − confidence)/2 and
 * (1 + confidence)/2 (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3).
 */
import { seededUniform } from './seededUniform.js';
import { percentileSorted } from './summarize.js';

/** A statistic the bootstrap can resample. */
export type BootstrapStatistic = 'median' | 'mean';

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** The statistic whose interval is wanted. Default: `'median'`. */
  statistic?: BootstrapStatistic;
  /** Coverage of the interval, in (0, 1). Default: 0.95. */
  confidence?: number;
  /** Number of bootstrap resamples. Default: 2000. */
  resamples?: number;
  /** Seed of the resampling generator (taken modulo 2^32). Default: 1. */
  seed?: number;
}

/** A bootstrap confidence interval, with everything needed to reproduce it. */
export interface BootstrapInterval {
  /** The statistic that was resampled. */
  statistic: BootstrapStatistic | 'ratio of medians';
  /** The statistic of the sample itself (not of the resamples). */
  estimate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
  /** (high − low) ÷ |estimate|; null when the estimate is 0. */
  relativeWidth: number | null;
  /** Coverage asked for. */
  confidence: number;
  /** Resamples drawn. */
  resamples: number;
  /** Seed of the generator. */
  seed: number;
  /** Always the percentile bootstrap. */
  method:
    | 'percentile bootstrap'
    | 'two-stage percentile bootstrap (processes, then repetitions)'
    | 'two-stage percentile bootstrap (processes, then repetitions), widened for few processes';
  /** Sample size(s). */
  n: number | [number, number];
}

/** Default number of bootstrap resamples. */
export const DEFAULT_RESAMPLES = 2000;
/** Default seed of the bootstrap generator. */
export const DEFAULT_BOOTSTRAP_SEED = 1;

/** Percentile-bootstrap interval of the median (default) or mean of `samples`. */
export function bootstrapInterval(samples: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const statistic = options.statistic ?? 'median';
  const { confidence, resamples, seed } = checkBootstrapOptions(options);
  const sorted = sortedFinite(samples, 'sample');
  const uniform = seededUniform(seed);
  const counts = new Uint32Array(sorted.length);
  const distribution = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    distribution[r] = statistic === 'mean' ? resampleMean(sorted, uniform) : resampleMedian(sorted, uniform, counts);
  }
  const estimate = statistic === 'mean' ? meanOf(sorted) : percentileSorted(sorted, 0.5);
  return finishInterval(statistic, estimate, distribution, confidence, resamples, seed, sorted.length);
}

/** Validated bootstrap options with defaults filled in. */
export function checkBootstrapOptions(options: Pick<BootstrapOptions, 'confidence' | 'resamples' | 'seed'>): {
  confidence: number;
  resamples: number;
  seed: number;
} {
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} outside (0, 1)`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples ${resamples} must be a positive integer`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed ${seed} must be a finite number`);
  return { confidence, resamples, seed };
}

/** An ascending copy of `samples`; throws on an empty sample or a non-finite value. */
export function sortedFinite(samples: readonly number[], what: string): number[] {
  if (samples.length === 0) throw new RangeError(`bootstrap of an empty ${what}`);
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new RangeError(`non-finite value ${x} in the ${what}`);
  }
  return [...samples].sort((a, b) => a - b);
}

/**
 * Median of one resample of `sorted` (n draws with replacement), by counting draws per sorted
 * position; `counts` is scratch space of length n.
 */
export function resampleMedian(sorted: readonly number[], uniform: () => number, counts: Uint32Array): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(uniform() * n)]!++;
  // Type-7 median of n values: positions lo = floor((n − 1)/2) and hi = ceil((n − 1)/2), 0-based.
  const lo = (n - 1) >> 1;
  const hi = n >> 1;
  let seen = 0;
  let a = Number.NaN;
  for (let j = 0; j < n; j++) {
    seen += counts[j]!;
    if (Number.isNaN(a) && seen > lo) a = sorted[j]!;
    if (seen > hi) {
      const b = sorted[j]!;
      return lo === hi ? a : a + 0.5 * (b - a);
    }
  }
  throw new Error('unreachable: the counts sum to n');
}

/** Mean of one resample of `sorted` (n draws with replacement), summed in draw order. */
export function resampleMean(sorted: readonly number[], uniform: () => number): number {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[Math.floor(uniform() * n)]!;
  return sum / n;
}

/** Percentile interval of a bootstrap distribution. */
export function finishInterval(
  statistic: BootstrapInterval['statistic'],
  estimate: number,
  distribution: Float64Array,
  confidence: number,
  resamples: number,
  seed: number,
  n: BootstrapInterval['n'],
): BootstrapInterval {
  const ordered = Array.from(distribution).sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const low = percentileSorted(ordered, alpha / 2);
  const high = percentileSorted(ordered, 1 - alpha / 2);
  return {
    statistic,
    estimate,
    low,
    high,
    relativeWidth: estimate === 0 ? null : (high - low) / Math.abs(estimate),
    confidence,
    resamples,
    seed,
    method: 'percentile bootstrap',
    n,
  };
}

function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}
