/**
 * Everything the result keeps about one metric's per-repetition samples, in one call: the first (cold)
 * repetition on its own, the usual statistics of the rest (all samples when there is only one), a
 * seeded bootstrap interval of their median, and Tukey outliers flagged by index into the full sample,
 * never removed.
 */
import { bootstrapInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrapInterval.js';
import { splitColdRepetition } from './splitColdRepetition.js';
import { summarize, type Stats } from './summarize.js';
import { tukeyOutliers, type TukeyOutliers } from './tukeyOutliers.js';

/** Options of {@link summarizeMeasured}. */
export interface SummarizeMeasuredOptions {
  /** Report the first sample as `cold` and summarize the rest. Default: true. */
  separateCold?: boolean;
  /** Options of the median's bootstrap interval (statistic fixed to the median). Default: 2000 resamples, seed 1, 95%. */
  bootstrap?: Omit<BootstrapOptions, 'statistic'>;
  /** Tukey fence distance. Default: 1.5. */
  tukeyK?: number;
}

/** The summary of one metric. */
export interface MeasuredSummary {
  /** The first sample when `separateCold` (null otherwise or for an empty sample). */
  cold: number | null;
  /** Statistics of the samples after the cold one (of all samples when `separateCold` is false or there is one sample). */
  stats: Stats | null;
  /** How many samples `stats` covers and from which index. */
  statsFrom: number;
  /** Percentile-bootstrap interval of the median of the samples `stats` covers; null when there are none. */
  medianCi: BootstrapInterval | null;
  /** Tukey outliers over the samples `stats` covers, with indices into the full sample. */
  outliers: TukeyOutliers | null;
}

/** Summarizes per-repetition samples (in measurement order). */
export function summarizeMeasured(samples: readonly number[], options: SummarizeMeasuredOptions = {}): MeasuredSummary {
  const separateCold = (options.separateCold ?? true) && samples.length > 1;
  const { cold, rest } = separateCold ? splitColdRepetition(samples) : { cold: null, rest: [...samples] };
  const statsFrom = separateCold ? 1 : 0;
  const stats = summarize(rest);
  const medianCi = rest.length > 0 ? bootstrapInterval(rest, { ...options.bootstrap, statistic: 'median' }) : null;
  const fences = tukeyOutliers(rest, { k: options.tukeyK });
  const outliers = fences === null ? null : { ...fences, outliers: fences.outliers.map((o) => ({ ...o, index: o.index + statsFrom })) };
  return { cold, stats, statsFrom, medianCi, outliers };
}
