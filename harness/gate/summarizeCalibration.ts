/**
 * What an A/A calibration says (`slmbench gate --calibrate N`): the same config gated against itself N
 * times, each gate interleaved. A gate that fails is a false alarm, so the false-alarm rate is the share
 * of failing gates. The minimum detectable change per metric is the larger of two figures, each taken at
 * the entry that needs the largest change:
 * - what one gate resolves: the median over the gates of its own minimum detectable change (from its
 *   interval over processes, see `compareMetric`);
 * - with 3 or more gates, what the A/A ratios themselves say: each entry's log ratios current ÷ baseline
 *   over the gates have a standard deviation s, and a regression of (t(1 − α, N − 1) + t(power, N − 1)) · s
 *   on the log scale stands out of that spread with the stated power. This one includes whatever varies
 *   between gates that one gate's interval does not see.
 * Ratios are stated in the metric's regression direction: 0.9 for decode tok/s (a drop to 0.9×), 1.1
 * for TTFT (a rise to 1.1×), as `gate --calibration FILE` reads them.
 */
import type { GateReport } from './GateReport.js';
import { studentTQuantile } from '../stats/studentTQuantile.js';
import { summarize } from '../stats/summarize.js';

/** The calibration, as printed by `--json` and written to `calibration.json`. */
export interface GateCalibration {
  /** Share of the A/A gates that failed. */
  falseAlarmRate: number;
  /** Share of the A/A gates that warned (and did not fail). */
  warnRate: number;
  /** A/A gates run. */
  runs: number;
  /** By metric short name (`decodeTps`), the ratio a regression must reach to be detected (see the file comment). */
  minimumDetectable: Record<string, number>;
  /** Significance level and power of the figures. */
  alpha: number;
  power: number;
  /** The rules gated with. */
  rules: string[];
  /** Each gate: its verdict, counts, order seed and the reasons of its failing verdicts. */
  gates: { verdict: GateReport['verdict']; counts: GateReport['counts']; seed: number | null; failures: string[] }[];
}

/** Summarises the A/A gate reports (see the file comment). */
export function summarizeCalibration(reports: readonly GateReport[]): GateCalibration {
  if (reports.length === 0) throw new RangeError('a calibration needs at least one gate');
  const first = reports[0]!;
  const alpha = first.options.alpha;
  const power = first.options.power;
  const n = reports.length;

  /** Log-scale detectable changes per metric short name, worst entry first (as found). */
  const within = new Map<string, Map<string, number[]>>(); // metric → entry key → per-gate |log MDE|
  const ratios = new Map<string, Map<string, number[]>>(); // metric → entry key → per-gate log ratio
  const direction = new Map<string, 'higher' | 'lower'>();
  const push = (map: Map<string, Map<string, number[]>>, metric: string, key: string, value: number) => {
    const perEntry = map.get(metric) ?? new Map<string, number[]>();
    map.set(metric, perEntry);
    perEntry.set(key, [...(perEntry.get(key) ?? []), value]);
  };
  for (const report of reports) {
    for (const v of report.verdicts) {
      if (!v.direction || !v.comparison || v.comparison.method !== 'processes') continue;
      const metric = v.metric.split('.').at(-1)!;
      direction.set(metric, v.direction);
      if (v.comparison.minimumDetectable !== null) push(within, metric, v.key, Math.log(v.comparison.minimumDetectable));
      if (v.comparison.ratio !== null && v.comparison.ratio > 0) push(ratios, metric, v.key, Math.log(v.comparison.ratio));
    }
  }
  const minimumDetectable: Record<string, number> = {};
  for (const [metric, perEntry] of within) {
    let worst = 0;
    for (const [key, logs] of perEntry) {
      worst = Math.max(worst, summarize(logs)!.median);
      const spread = ratios.get(metric)?.get(key) ?? [];
      if (spread.length >= 3) {
        const s = summarize(spread)!.stdev!;
        worst = Math.max(worst, (studentTQuantile(1 - alpha, spread.length - 1) + studentTQuantile(power, spread.length - 1)) * s);
      }
    }
    const factor = Math.exp(worst);
    minimumDetectable[metric] = direction.get(metric) === 'higher' ? 1 / factor : factor;
  }
  const fails = reports.filter((r) => r.verdict === 'fail').length;
  const warns = reports.filter((r) => r.verdict === 'warn').length;
  return {
    falseAlarmRate: fails / n,
    warnRate: warns / n,
    runs: n,
    minimumDetectable,
    alpha,
    power,
    rules: first.options.rules,
    gates: reports.map((r) => ({
      verdict: r.verdict,
      counts: r.counts,
      seed: r.evidence.interleaving?.seed ?? null,
      failures: r.verdicts.filter((v) => v.verdict === 'fail').map((v) => `${v.entry} · ${v.metric}: ${v.reason}`),
    })),
  };
}
