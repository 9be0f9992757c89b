/**
 * Outliers by Tukey's fences (Tukey, "Exploratory Data Analysis", 1977): values below Q1 − k·IQR or
 * above Q3 + k·IQR, with quartiles by linear interpolation (type 7, as {@link percentileSorted}).
 * Outliers are reported with their indices, never removed: the caller keeps every sample.
 */
import { percentileSorted } from './summarize.js';

/** Options of {@link tukeyOutliers}. */
export interface TukeyOptions {
  /** Fence distance in interquartile ranges. Default: 1.5. */
  k?: number;
}

/** One value outside the fences. */
export interface Outlier {
  /** Position in the sample as given. */
  index: number;
  value: number;
  /** Below the lower fence or above the upper one. */
  side: 'low' | 'high';
}

/** Quartiles, fences and the values outside them. */
export interface TukeyOutliers {
  /** First quartile. */
  q1: number;
  /** Third quartile. */
  q3: number;
  /** Q3 − Q1. */
  iqr: number;
  /** Q1 − k·IQR. */
  lowerFence: number;
  /** Q3 + k·IQR. */
  upperFence: number;
  /** The fence distance used. */
  k: number;
  /** Values strictly outside the fences, in sample order. */
  outliers: Outlier[];
}

/** Tukey's fences of `samples`; null for an empty sample. Non-finite values are rejected. */
export function tukeyOutliers(samples: readonly number[], options: TukeyOptions = {}): TukeyOutliers | null {
  const k = options.k ?? 1.5;
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`fence distance k = ${k} must be a finite number ≥ 0`);
  if (samples.length === 0) return null;
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new RangeError(`non-finite sample ${x}`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const q1 = percentileSorted(sorted, 0.25);
  const q3 = percentileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lowerFence = q1 - k * iqr;
  const upperFence = q3 + k * iqr;
  const outliers: Outlier[] = [];
  samples.forEach((value, index) => {
    if (value < lowerFence) outliers.push({ index, value, side: 'low' });
    else if (value > upperFence) outliers.push({ index, value, side: 'high' });
  });
  return { q1, q3, iqr, lowerFence, upperFence, k, outliers };
}
