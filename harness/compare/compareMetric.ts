/**
 * Compares one metric of a current entry with the same metric of a baseline entry, with the test its
 * kind allows (see {@link readMetric} for the kinds):
 *
 * - raw samples on both sides (≥ 2 each): the Mann-Whitney U test of the current samples against the
 *   baseline samples (exact permutation distribution up to 50 values in all, normal approximation with
 *   tie and continuity corrections beyond), or the percentile bootstrap of the ratio of medians
 *   current ÷ baseline (seeded); both are computed, `test` says which one decides. One-sided
 *   (`alternative: 'regression'`: is the current run worse?) the interval has confidence 1 − 2α and
 *   is significant when it lies wholly on the worse side of 1; two-sided its confidence is 1 − α.
 * - estimates `{value, stderr}` on both sides (quality metrics): a z-test of the difference,
 *   z = (current − baseline) ÷ √(se_b² + se_c²), with the normal interval of the difference.
 * - anything else — one number per run (`peakRssBytes`, energy figures), one sample per run (`loadMs`),
 *   a standard error missing or zero, kinds that differ between the sides — no test: `significant` is
 *   null and `method` is `none`, so that a gate judges on the practical threshold alone and says so.
 */
import { bootstrapRatioOfMedians } from '../stats/bootstrapRatioOfMedians.js';
import { mannWhitneyU } from '../stats/mannWhitneyU.js';
import { normalCdf } from '../stats/normalCdf.js';
import type { MetricDirection } from './metricDirection.js';
import { normalQuantile } from '../stats/normalQuantile.js';
import type { MetricReading } from './readMetric.js';

/** The test that decides significance on raw samples. */
export type SampleTest = 'mann-whitney' | 'bootstrap';

/** Options of {@link compareMetric}. */
export interface CompareMetricOptions {
  /** Which way the metric improves. Required. */
  direction: MetricDirection;
  /** `regression`: one-sided, "the current run is worse"; `two-sided`: "the runs differ". Default: `two-sided`. */
  alternative?: 'regression' | 'two-sided';
  /** Significance level α, in (0, 0.5). Default: 0.05. */
  alpha?: number;
  /** Test that decides on raw samples. Default: `mann-whitney`. */
  test?: SampleTest;
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number;
  /** Bootstrap seed. Default: 1. */
  seed?: number;
}

/** The comparison of one metric. */
export interface MetricComparison {
  /** Baseline value (median of the samples, or the number or estimate) and its sample count. */
  baseline: { value: number; n: number | null };
  /** Current value and its sample count. */
  current: { value: number; n: number | null };
  /** current ÷ baseline; null when the baseline value is 0. */
  ratio: number | null;
  /** current − baseline. */
  difference: number;
  /** What decided `significant`: `mann-whitney`, `bootstrap`, `z-test`, or `none` (no test possible). */
  method: SampleTest | 'z-test' | 'none';
  /** p-value of the Mann-Whitney test (raw samples) or the z-test (estimates), whichever decides or not; null when none was computed. */
  pValue: number | null;
  /** Interval of the ratio (raw samples, bootstrap) or of the difference (estimates, normal); null when none. */
  interval: { of: 'ratio' | 'difference'; low: number; high: number; confidence: number } | null;
  /** Whether the difference is significant at α in the tested direction(s); null when no test was possible. */
  significant: boolean | null;
  /** Which way a significant difference goes; null when not significant or not tested. */
  change: 'worse' | 'better' | null;
  /** Why a test was not done, or what limits it (e.g. too few samples to reach α). */
  note: string | null;
}

/** Compares `current` with `baseline` (see the file comment). */
export function compareMetric(baseline: MetricReading, current: MetricReading, options: CompareMetricOptions): MetricComparison {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha ${alpha} outside (0, 0.5)`);
  const twoSided = (options.alternative ?? 'two-sided') === 'two-sided';
  const higher = options.direction === 'higher';
  const out: MetricComparison = {
    baseline: { value: baseline.value, n: countOf(baseline) },
    current: { value: current.value, n: countOf(current) },
    ratio: baseline.value === 0 ? null : current.value / baseline.value,
    difference: current.value - baseline.value,
    method: 'none',
    pValue: null,
    interval: null,
    significant: null,
    change: null,
    note: null,
  };
  /** Whether a change in the sign of `delta` (current − baseline, or ratio − 1) is for the worse. */
  const worse = (delta: number) => (higher ? delta < 0 : delta > 0);

  if (baseline.kind === 'samples' && current.kind === 'samples') {
    const nb = baseline.samples.length;
    const nc = current.samples.length;
    if (nb < 2 || nc < 2) {
      out.note = `one sample per run (n = ${nb} and ${nc})`;
      return out;
    }
    const confidence = twoSided ? 1 - alpha : 1 - 2 * alpha;
    try {
      const interval = bootstrapRatioOfMedians(current.samples, baseline.samples, {
        confidence,
        resamples: options.resamples ?? 2000,
        seed: options.seed ?? 1,
      });
      if (Number.isFinite(interval.low) && Number.isFinite(interval.high)) {
        out.interval = { of: 'ratio', low: interval.low, high: interval.high, confidence };
      }
    } catch (error) {
      out.note = `no ratio interval: ${(error as Error).message}`;
    }
    // One-sided p of "current is worse" (current smaller for higher-is-better metrics), and for the
    // two-sided question also of "current is better".
    const pOf = (alternative: 'less' | 'greater') => mannWhitneyU(current.samples, baseline.samples, { alternative }).pValue;
    const worseP = pOf(higher ? 'less' : 'greater');
    const betterP = twoSided ? pOf(higher ? 'greater' : 'less') : 1;
    out.pValue = twoSided ? Math.min(1, 2 * Math.min(worseP, betterP)) : worseP;
    const smallest = smallestPValue(nb, nc) * (twoSided ? 2 : 1);
    if (smallest > alpha) {
      out.note = `${nb} and ${nc} samples cannot reach α = ${alpha} (smallest p = ${smallest.toPrecision(3)}): more repetitions are needed for significance`;
    }
    if ((options.test ?? 'mann-whitney') === 'mann-whitney') {
      out.method = 'mann-whitney';
      out.significant = out.pValue <= alpha;
      if (out.significant) out.change = twoSided ? (worseP <= betterP ? 'worse' : 'better') : 'worse';
    } else {
      out.method = 'bootstrap';
      const i = out.interval;
      if (!i) {
        out.significant = null;
        return out;
      }
      const whollyWorse = higher ? i.high < 1 : i.low > 1;
      const whollyBetter = higher ? i.low > 1 : i.high < 1;
      out.significant = whollyWorse || (twoSided && whollyBetter);
      if (out.significant) out.change = whollyWorse ? 'worse' : 'better';
    }
    return out;
  }

  if (baseline.kind === 'estimate' && current.kind === 'estimate') {
    if (baseline.stderr === null || current.stderr === null) {
      out.note = 'no standard error on one side';
      return out;
    }
    const se = Math.hypot(baseline.stderr, current.stderr);
    if (se === 0) {
      out.note = 'standard errors are 0';
      return out;
    }
    const z = out.difference / se;
    out.method = 'z-test';
    out.pValue = twoSided ? 2 * normalCdf(-Math.abs(z)) : normalCdf(higher ? z : -z);
    const confidence = twoSided ? 1 - alpha : 1 - 2 * alpha;
    const half = normalQuantile(1 - (1 - confidence) / 2) * se;
    out.interval = { of: 'difference', low: out.difference - half, high: out.difference + half, confidence };
    out.significant = out.pValue <= alpha;
    if (out.significant) out.change = !twoSided || worse(out.difference) ? 'worse' : 'better';
    return out;
  }

  out.note =
    baseline.kind === 'single' && current.kind === 'single'
      ? (baseline.note ?? current.note ?? 'one number per run')
      : `the runs recorded the metric differently (${baseline.kind} vs ${current.kind})`;
  return out;
}

function countOf(reading: MetricReading): number | null {
  if (reading.kind === 'samples') return reading.samples.length;
  if (reading.kind === 'estimate') return reading.n;
  return 1;
}

/** The smallest one-sided p-value of the exact Mann-Whitney test without ties: 1 ÷ C(n₁ + n₂, n₁). */
function smallestPValue(n1: number, n2: number): number {
  let c = 1;
  for (let i = 1; i <= Math.min(n1, n2); i++) c = (c * (Math.max(n1, n2) + i)) / i;
  return 1 / c;
}
