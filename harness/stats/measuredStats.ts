/**
 * Statistics of a per-repetition metric measured in one or more worker processes (one array per process,
 * in measurement order), as entry records keep them: each process's first repetition is cold (the first
 * process's is reported as `cold`), the rest are summarised; the median's interval is a plain bootstrap for
 * one process ({@link summarizeMeasured}) and a two-stage (processes, then repetitions) bootstrap for
 * several, so it includes the spread between processes. Tukey outliers are reported by index into the
 * concatenated samples of every process, never removed.
 */
import { hierarchicalBootstrapMedian } from './hierarchicalBootstrapMedian.js';
import { summarize, type Stats } from './summarize.js';
import { summarizeMeasured } from './summarizeMeasured.js';
import { tukeyOutliers } from './tukeyOutliers.js';

/**
 * Statistics of a per-repetition metric over the measured repetitions after the first (cold) one, which
 * is reported on its own; with the median's bootstrap interval and the Tukey outliers (reported, never
 * dropped).
 */
export interface MeasuredStats extends Stats {
  /** The first measured repetition's value (after warmup), or null with a single repetition. */
  cold: number | null;
  /** Percentile-bootstrap 95% interval of the median (2000 resamples, seed 1). */
  medianCi95: [number, number] | null;
  /** Indices (into `samples`) of values outside the Tukey fences (1.5 × IQR). */
  outliers: number[];
}

/** The statistics of `groups` (one per process); null when there is no sample. */
export function measuredStats(groups: readonly number[][]): MeasuredStats | null {
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nonEmpty.length === 1) {
    // One process: its first repetition is cold; earlier empty groups shift no index.
    const one = summarizeMeasured(nonEmpty[0]!);
    if (!one.stats || !one.medianCi) return null;
    return { ...one.stats, cold: one.cold, medianCi95: [one.medianCi.low, one.medianCi.high], outliers: one.outliers?.outliers.map((o) => o.index) ?? [] };
  }
  const warm = nonEmpty.map((g) => (g.length > 1 ? g.slice(1) : g));
  const rest = warm.flat();
  const stats = summarize(rest);
  if (!stats) return null;
  const first = nonEmpty[0]!;
  const cold = first.length > 1 ? first[0]! : null;
  const interval = hierarchicalBootstrapMedian(warm);
  const fences = tukeyOutliers(rest);
  const indexInAll: number[] = [];
  let offset = 0;
  for (const g of groups) {
    for (let i = g.length > 1 ? 1 : 0; i < g.length; i++) indexInAll.push(offset + i);
    offset += g.length;
  }
  return { ...stats, cold, medianCi95: [interval.low, interval.high], outliers: fences?.outliers.map((o) => indexInAll[o.index]!) ?? [] };
}
