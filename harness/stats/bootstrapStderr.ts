/**
 * Bootstrap standard error of a statistic over samples (the suites' accuracy metrics): the sample
 * standard deviation (n − 1) of the statistic over `iterations` resamples drawn with replacement, with a
 * seeded stream ({@link seededRandom}) so the same samples and seed always give the same number. Null when
 * there are fewer than two samples. (The measured loop's intervals are percentile intervals:
 * {@link bootstrapInterval}.)
 */
import { seededRandom } from './seededRandom.js';

/** Options of {@link bootstrapStderr}. */
export interface BootstrapStderrOptions {
  /** Number of resamples. Default: 1000. */
  iterations?: number;
  /** Seed of the resampling. Default: 1234. */
  seed?: number;
  /** Stream of the seeded generator (distinct metrics use distinct streams). Default: 0. */
  stream?: number;
}

/** Bootstrap standard error of `statistic` over `samples`; null for fewer than two samples. */
export function bootstrapStderr<T>(samples: readonly T[], statistic: (resample: readonly T[]) => number, options: BootstrapStderrOptions = {}): number | null {
  const n = samples.length;
  if (n < 2) return null;
  const iterations = options.iterations ?? 1000;
  if (iterations < 2) return null;
  const random = seededRandom(options.seed ?? 1234, options.stream ?? 0);
  const values: number[] = [];
  const resample: T[] = new Array<T>(n);
  for (let b = 0; b < iterations; b++) {
    for (let i = 0; i < n; i++) resample[i] = samples[Math.floor(random() * n)]!;
    values.push(statistic(resample));
  }
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1);
  return Math.sqrt(variance);
}
