/**
 * Percentile-bootstrap interval of the median of samples measured in several worker processes, by
 * two-stage resampling: each resample draws the processes with replacement, then the repetitions within
 * each drawn process with replacement, and takes the median of all values drawn. Repetitions within one
 * process share its memory layout, thread placement and clock state, so they are not independent of each
 * other: a plain bootstrap over all repetitions would claim a precision that a second run (a new process)
 * does not reproduce. The two-stage interval includes the spread between processes. Seeded (mulberry32),
 * so an interval is exactly reproducible.
 *
 * With few processes the percentile bootstrap is too narrow: resampling 3 processes sees only their own
 * spread, understated by √((P−1)/P), and treats the normal quantile as if the spread were known. Each side
 * of the interval is therefore widened about the estimate by (t(P−1) ÷ z) · √(P ÷ (P−1)) (2.69× for 3
 * processes, 1.58× for 5, 1.22× for 10, → 1 as P grows), the small-sample correction of a Student-t
 * interval; a lower bound of non-negative data stays ≥ 0.
 */
import { checkBootstrapOptions, finishInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrapInterval.js';
import { percentileSorted } from './summarize.js';
import { seededUniform } from './seededUniform.js';
import { studentTQuantile } from './studentTQuantile.js';

/** The widening of a P-process interval: (t(P−1) ÷ z) · √(P ÷ (P−1)) at the given confidence; 1 for one process. */
export function fewProcessesFactor(processes: number, confidence = 0.95): number {
  if (processes < 2) return 1;
  const q = 1 - (1 - confidence) / 2;
  // The normal quantile as the t quantile of (practically) infinite degrees of freedom.
  return (studentTQuantile(q, processes - 1) / studentTQuantile(q, 1e9)) * Math.sqrt(processes / (processes - 1));
}

/**
 * @param groups the samples of each process (at least one process with at least one sample each)
 * @param options confidence (0.95), resamples (2000), seed (1)
 */
export function hierarchicalBootstrapMedian(
  groups: readonly (readonly number[])[],
  options: Omit<BootstrapOptions, 'statistic'> & {
    /** Widen for few processes (see above). Default: true. */
    fewProcessesCorrection?: boolean;
  } = {},
): BootstrapInterval {
  const { confidence, resamples, seed } = checkBootstrapOptions(options);
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nonEmpty.length === 0) throw new RangeError('hierarchical bootstrap of no samples');
  for (const group of nonEmpty) {
    for (const x of group) if (!Number.isFinite(x)) throw new RangeError(`non-finite sample ${x}`);
  }
  const all = nonEmpty.flat().sort((a, b) => a - b);
  const estimate = percentileSorted(all, 0.5);
  const uniform = seededUniform(seed);
  const distribution = new Float64Array(resamples);
  const scratch = new Float64Array(all.length);
  for (let r = 0; r < resamples; r++) distribution[r] = resampleTwoStageMedian(nonEmpty, uniform, scratch);
  const interval = finishInterval('median', estimate, distribution, confidence, resamples, seed, all.length);
  const factor = options.fewProcessesCorrection === false ? 1 : fewProcessesFactor(nonEmpty.length, confidence);
  const low = estimate - factor * (estimate - interval.low);
  return {
    ...interval,
    low: all[0]! >= 0 ? Math.max(0, low) : low,
    high: estimate + factor * (interval.high - estimate),
    method:
      factor !== 1
        ? 'two-stage percentile bootstrap (processes, then repetitions), widened for few processes'
        : 'two-stage percentile bootstrap (processes, then repetitions)',
  };
}

/**
 * The median of one two-stage resample of `groups` (non-empty groups of finite values): as many groups
 * as there are, drawn with replacement, then within each drawn group as many values as it has, drawn
 * with replacement. `scratch` is reused when the draw has its length (the total of all groups).
 */
export function resampleTwoStageMedian(groups: readonly (readonly number[])[], uniform: () => number, scratch: Float64Array): number {
  const picks = groups.map(() => groups[Math.floor(uniform() * groups.length)]!);
  let size = 0;
  for (const group of picks) size += group.length;
  const values = size === scratch.length ? scratch : new Float64Array(size);
  let k = 0;
  for (const group of picks) {
    for (let i = 0; i < group.length; i++) values[k++] = group[Math.floor(uniform() * group.length)]!;
  }
  values.sort();
  return percentileSorted(values as unknown as number[], 0.5);
}
