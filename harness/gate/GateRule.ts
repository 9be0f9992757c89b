/**
 * A gate rule: a metric and how much it may get worse before the gate warns or fails.
 *
 * Written `METRIC:LIMIT` (fail tier), `METRIC:WARN,FAIL` (both tiers) or `METRIC:warn=LIMIT,fail=LIMIT`
 * (either tier alone, in any order). A LIMIT is `[+|-]NUMBER[%]`:
 * - with `%` it is relative to the baseline (`decodeTps:-5%`: a drop of more than 5% of the baseline's
 *   median), without it absolute, in the metric's own unit (`acc:-0.02`: more than 0.02 lower;
 *   `ttftMs:+3`: more than 3 ms slower);
 * - the sign states the allowed change, so the direction of a regression: `-` for metrics where higher is
 *   better (decodeTps, prefillTps, acc…), `+` for those where lower is better (ttftMs, tpotMs, itlMs,
 *   e2eMs, loadMs, peakRssBytes, energy…). A sign against the metric's known direction is refused; the
 *   sign may be left out for known metrics and must be given for others.
 * Both tiers of a rule need the same sign; warn must not exceed fail when both have the same kind.
 * In words: `METRIC: drop <= 2%` is `METRIC:-2%`, `METRIC: rise <= 3` is `METRIC:+3`.
 *
 * A bound on the current run's value alone, whatever the baseline's: `METRIC <= X` or `METRIC >= X`
 * (`fidelity.klMean <= 0.01`): the verdict fails when the value is past it.
 */

/** One tier's limit. */
export interface GateLimit {
  /** `relative`: a fraction of the baseline value (written with `%`); `absolute`: in the metric's unit. */
  kind: 'relative' | 'absolute';
  /** Allowed worsening, ≥ 0: a fraction for `relative` (5% → 0.05), a value in the metric's unit for `absolute`. */
  magnitude: number;
  /** The sign as written: `-` (a drop is the regression), `+` (a rise is), or null (from the metric's direction). */
  sign: '+' | '-' | null;
  /** As written, e.g. `-5%`. */
  text: string;
}

/** A parsed rule. */
export interface GateRule {
  /** Metric as written: a short name (`decodeTps`, `acc`), a path under `metrics.`, or a full path. */
  metric: string;
  /** Warn tier; null: no warn tier. */
  warn: GateLimit | null;
  /** Fail tier; null: no fail tier (the rule can only warn). */
  fail: GateLimit | null;
  /** The rule as written (`decodeTps:-5%,-10%`), for messages and reports. */
  text: string;
  /** A bound on the current value (`METRIC <= X`); warn and fail are then null. */
  bound?: { op: '<=' | '>='; value: number };
}
