/**
 * Compares one metric of a current entry with the same metric of a baseline entry, with the test its
 * kind allows (see {@link readMetric} for the kinds):
 *
 * - raw samples on both sides, measured in 2 or more worker processes each: the unit of evidence is the
 *   process. The interval of the ratio of medians current ÷ baseline is the two-stage bootstrap over
 *   processes and their repetitions, widened for few processes ({@link bootstrapRatioOfProcessMedians},
 *   seeded); the change is significant when the interval lies wholly on one side of 1. One-sided
 *   (`alternative: 'regression'`: is the current run worse?) the interval has confidence 1 − 2α and only
 *   the worse side counts; two-sided its confidence is 1 − α. No p-value is given: one from pooled
 *   repetitions treats repetitions that share a process as independent, and called most pairs of
 *   identical runs different on a 2-core VM. The same interval gives the minimum detectable change.
 * - raw samples from one process on a side: no test (`method: 'none'`): repetitions of one process say
 *   nothing about how much a second process, or a second run, differs.
 * - estimates on both sides with per-item scores on the same items (quality metrics whose tasks recorded
 *   `rowScores`, same dataset, version and rows): paired. The interval of the mean difference current −
 *   baseline is the percentile bootstrap over items of the per-item differences (seeded; 1 − 2α one-sided,
 *   1 − α two-sided). Scores that are all 0 or 1 (accuracy) are tested with the exact McNemar test on the
 *   discordant items, which decides significance (`method: mcnemar`); other scores by the interval alone
 *   (`paired-bootstrap`, no p-value). Two entries on the same items share the items' difficulty: an unpaired
 *   test counts it twice and misses real drops.
 * - estimates `{value, stderr}` on both sides without paired items: a z-test of the difference,
 *   z = (current − baseline) ÷ √(se_b² + se_c²), with the normal interval of the difference.
 * - anything else — one number per run (`peakRssBytes`, energy figures), a standard error missing or
 *   zero, kinds that differ between the sides — no test: `significant` is null and `method` is `none`,
 *   so that a gate judges on the practical threshold alone and says so.
 */
import { bootstrapRatioOfProcessMedians } from '../stats/bootstrapRatioOfProcessMedians.js';
import { bootstrapInterval } from '../stats/bootstrapInterval.js';
import { mcnemarExact } from '../stats/mcnemarExact.js';
import { normalCdf } from '../stats/normalCdf.js';
import type { MetricDirection } from './metricDirection.js';
import { normalQuantile } from '../stats/normalQuantile.js';
import type { MetricReading } from './readMetric.js';

/** The test that decides significance on raw samples: `processes`, the only one (see the file comment). */
export type SampleTest = 'processes';

/** Options of {@link compareMetric}. */
export interface CompareMetricOptions {
  /** Which way the metric improves. Required. */
  direction: MetricDirection;
  /** `regression`: one-sided, "the current run is worse"; `two-sided`: "the runs differ". Default: `two-sided`. */
  alternative?: 'regression' | 'two-sided';
  /** Significance level α, in (0, 0.5). Default: 0.05. */
  alpha?: number;
  /** Power at which the minimum detectable change is stated, in (0, 1). Default: 0.8. */
  power?: number;
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
  /**
   * What decided `significant`: `processes` (raw samples), `mcnemar` or `paired-bootstrap` (estimates with
   * per-item scores on the same items), `z-test` (estimates without), or `none` (no test possible).
   */
  method: SampleTest | 'mcnemar' | 'paired-bootstrap' | 'z-test' | 'none';
  /**
   * The paired comparison's items: how many, and for binary scores the discordant ones (items the current
   * run gets wrong that the baseline got right, and the other way round); absent when not paired.
   */
  paired?: { items: number; discordant: { worse: number; better: number } | null };
  /** p-value of the z-test (estimates); null otherwise (see the file comment). */
  pValue: number | null;
  /** Interval of the ratio (raw samples) or of the difference (estimates); null when none. */
  interval: { of: 'ratio' | 'difference'; low: number; high: number; confidence: number } | null;
  /** Worker processes behind each side's samples, [baseline, current]; null for other kinds. */
  processes: [number, number] | null;
  /**
   * The smallest change of the ratio this comparison detects with the stated power, as a factor ≥ 1
   * (1.08: a change to 1 ÷ 1.08 = 0.926× or to 1.08× the baseline); null without a process test.
   */
  minimumDetectable: number | null;
  /** Whether the difference is significant at α in the tested direction(s); null when no test was possible. */
  significant: boolean | null;
  /** Which way a significant difference goes; null when not significant or not tested. */
  change: 'worse' | 'better' | null;
  /** Why a test was not done, or what limits it. */
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
    processes: null,
    minimumDetectable: null,
    significant: null,
    change: null,
    note: null,
  };
  /** Whether a change in the sign of `delta` (current − baseline, or ratio − 1) is for the worse. */
  const worse = (delta: number) => (higher ? delta < 0 : delta > 0);

  if (baseline.kind === 'samples' && current.kind === 'samples') {
    const pb = baseline.groups.length;
    const pc = current.groups.length;
    out.processes = [pb, pc];
    if (pb < 2 || pc < 2) {
      out.note =
        `${pb} and ${pc} worker process${pc === 1 && pb === 1 ? '' : 'es'}: repetitions inside one process share its memory layout, clocks and neighbours, ` +
        'so they are no evidence of a difference between runs (measure.processes ≥ 2 gives a test; the default is 3)';
      return out;
    }
    const confidence = twoSided ? 1 - alpha : 1 - 2 * alpha;
    let interval;
    try {
      interval = bootstrapRatioOfProcessMedians(current.groups, baseline.groups, {
        confidence,
        resamples: options.resamples ?? 2000,
        seed: options.seed ?? 1,
        ...(options.power !== undefined ? { power: options.power } : {}),
      });
    } catch (error) {
      out.note = `no interval of the ratio: ${(error as Error).message}`;
      return out;
    }
    out.method = 'processes';
    out.interval = { of: 'ratio', low: interval.low, high: interval.high, confidence };
    out.minimumDetectable = interval.minimumDetectable;
    const whollyWorse = higher ? interval.high < 1 : interval.low > 1;
    const whollyBetter = higher ? interval.low > 1 : interval.high < 1;
    out.significant = whollyWorse || (twoSided && whollyBetter);
    if (out.significant) out.change = whollyWorse ? 'worse' : 'better';
    return out;
  }

  if (baseline.kind === 'estimate' && current.kind === 'estimate') {
    const unpaired = pairedItems(baseline, current, higher);
    if (typeof unpaired !== 'string') {
      const { differences, discordant } = unpaired;
      const confidence = twoSided ? 1 - alpha : 1 - 2 * alpha;
      const interval = bootstrapInterval(differences, { statistic: 'mean', confidence, resamples: options.resamples ?? 2000, seed: options.seed ?? 1 });
      out.interval = { of: 'difference', low: interval.low, high: interval.high, confidence };
      out.paired = { items: differences.length, discordant };
      if (discordant) {
        // Worse for a higher-is-better score: right in the baseline, wrong now.
        const { worse, better } = discordant;
        const test = mcnemarExact(worse, better);
        out.method = 'mcnemar';
        out.pValue = twoSided ? test.twoSided : test.oneSided;
        out.significant = out.pValue <= alpha;
        if (out.significant) out.change = worse > better ? 'worse' : 'better';
      } else {
        out.method = 'paired-bootstrap';
        const whollyWorse = higher ? interval.high < 0 : interval.low > 0;
        const whollyBetter = higher ? interval.low > 0 : interval.high < 0;
        out.significant = whollyWorse || (twoSided && whollyBetter);
        if (out.significant) out.change = whollyWorse ? 'worse' : 'better';
      }
      return out;
    }
    if (baseline.items || current.items) out.note = `not paired: ${unpaired}`;
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

/**
 * The per-item differences current − baseline and, for 0/1 scores, the discordant counts (worse: right in
 * the baseline only, for a higher-is-better score); or why the two cannot be paired.
 */
function pairedItems(
  baseline: Extract<MetricReading, { kind: 'estimate' }>,
  current: Extract<MetricReading, { kind: 'estimate' }>,
  higher: boolean,
): { differences: number[]; discordant: { worse: number; better: number } | null } | string {
  const a = baseline.items;
  const b = current.items;
  if (!a || !b) return 'per-item scores are recorded on one side only';
  if (a.dataset !== b.dataset || a.version !== b.version) return 'the two runs scored different data or task versions';
  if (a.rows.length !== b.rows.length || a.rows.some((r, i) => r !== b.rows[i])) return 'the two runs scored different rows';
  if (a.rows.length < 2) return 'fewer than two items';
  const differences = a.scores.map((s, i) => b.scores[i]! - s);
  const binary = [...a.scores, ...b.scores].every((s) => s === 0 || s === 1);
  if (!binary) return { differences, discordant: null };
  let worse = 0;
  let better = 0;
  for (const d of differences) {
    if (d === 0) continue;
    if (d < 0 === higher) worse++;
    else better++;
  }
  return { differences, discordant: { worse, better } };
}

function countOf(reading: MetricReading): number | null {
  if (reading.kind === 'samples') return reading.samples.length;
  if (reading.kind === 'estimate') return reading.n;
  return 1;
}
