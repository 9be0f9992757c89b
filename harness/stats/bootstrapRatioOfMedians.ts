/**
 * Percentile-bootstrap interval of median(a) ÷ median(b), e.g. the speed-up of a candidate's decode rate
 * over a baseline's. The two samples are resampled independently from one seeded generator (each
 * resample draws a's indices first, then b's), so the interval is exactly reproducible from its seed.
 */
import {
  checkBootstrapOptions,
  finishInterval,
  resampleMedian,
  sortedFinite,
  type BootstrapInterval,
  type BootstrapOptions,
} from './bootstrapInterval.js';
import { seededUniform } from './seededUniform.js';
import { percentileSorted } from './summarize.js';

/** Options of {@link bootstrapRatioOfMedians}: those of the bootstrap, without a statistic. */
export type RatioOfMediansOptions = Omit<BootstrapOptions, 'statistic'>;

/**
 * Interval of median(a) ÷ median(b); `n` of the result is `[a.length, b.length]`. Throws a RangeError
 * when median(b) is 0. Resamples whose median of b is 0 give ±Infinity (or NaN for 0 ÷ 0, which throws).
 */
export function bootstrapRatioOfMedians(
  a: readonly number[],
  b: readonly number[],
  options: RatioOfMediansOptions = {},
): BootstrapInterval {
  const { confidence, resamples, seed } = checkBootstrapOptions(options);
  const sortedA = sortedFinite(a, 'first sample');
  const sortedB = sortedFinite(b, 'second sample');
  const medianB = percentileSorted(sortedB, 0.5);
  if (medianB === 0) throw new RangeError('ratio of medians: the median of the second sample is 0');
  const uniform = seededUniform(seed);
  const countsA = new Uint32Array(sortedA.length);
  const countsB = new Uint32Array(sortedB.length);
  const distribution = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const ratio = resampleMedian(sortedA, uniform, countsA) / resampleMedian(sortedB, uniform, countsB);
    if (Number.isNaN(ratio)) throw new RangeError('ratio of medians: a resample gave 0 ÷ 0');
    distribution[r] = ratio;
  }
  const estimate = percentileSorted(sortedA, 0.5) / medianB;
  return finishInterval('ratio of medians', estimate, distribution, confidence, resamples, seed, [a.length, b.length]);
}
