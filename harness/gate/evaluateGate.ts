/**
 * The performance gate: compares a current result with a baseline, entry by entry and metric by metric,
 * and decides pass, warn or fail.
 *
 * 1. Entries are matched by model sha256, backend id and options, and workload (`entryMatchKey`), or
 *    on the fields of `match` (a setting change: `model,backend,workload`); a verdict says what its two
 *    entries measured differently. Nothing matched at all is refused (`NOT_COMPARABLE`).
 * 2. Matched entries that ran on different devices, or with different backend package versions, are
 *    refused (`NOT_COMPARABLE`, naming what differs) unless `allowMismatch` names the kind.
 * 3. Each rule's metric is resolved (`resolveMetricPaths`: `acc` → every `metrics.quality.<task>.acc`);
 *    a later rule for the same metric path replaces an earlier one. An explicit rule whose metric no
 *    matched entry has is a usage error (a typo would otherwise pass silently).
 * 4. For each (matched entry, metric): `compareMetric` one-sided ("is the current run worse?") at α,
 *    with worker processes as the unit (the interval of the ratio over processes must lie wholly on the
 *    worse side), and the practical threshold on the point change (ratio of medians − 1 for `%` limits,
 *    difference for absolute ones). A tier is reached when the worsening is larger than its limit. The
 *    verdict is `fail` when the test is significant AND the fail limit is passed; `warn` when
 *    significant and the warn limit is passed; else `pass`. When no test is possible (one number per
 *    run: peakRssBytes, energy, loadMs; one process per side) the threshold alone decides, and the
 *    verdict's reason says "threshold only". Accuracy (quality estimates) is tested pair by pair on the
 *    items both runs scored (exact McNemar for 0/1 scores, a paired bootstrap of the mean difference
 *    otherwise, see `compareMetric`); without per-item scores on both sides it is judged on the limit
 *    alone (an unpaired test of two estimates on the same items is not the evidence to use). A bound rule
 *    (`fidelity.klMean <= 0.01`) judges the current value alone.
 * 5. The minimum detectable change: the smallest worsening the comparison resolves at α with 80% power
 *    (from its interval), or the larger figure an A/A calibration measured for the metric
 *    (`minimumDetectable`). A fail limit below it cannot be judged on this runner: a significant change
 *    past the limit but not past the detectable change warns (saying so) instead of failing at random;
 *    a change past both fails. The report states the detectable change per metric.
 * 6. A baseline entry that ran (`ok`) but is absent from the current run, or skipped there, gets the
 *    `missing` verdict (default warn); one that errored in the current run gets `errored` (default fail).
 */
import { compareMetric, type MetricComparison, type SampleTest } from '../compare/compareMetric.js';
import { findMismatches, type MismatchKind } from '../compare/findMismatches.js';
import { matchEntries, type KeyedEntry } from '../compare/matchEntries.js';
import { DEFAULT_MATCH, describeMatch, type MatchField } from '../compare/entryMatchKey.js';
import { describeSettingDifference } from '../compare/describeSettingDifference.js';
import { metricDirection, type MetricDirection } from '../compare/metricDirection.js';
import { readMetric } from '../compare/readMetric.js';
import { listMetricPaths, resolveMetricPaths } from '../compare/resolveMetricPaths.js';
import { EXIT_USAGE, SlmbenchError, UsageError } from '../errors.js';
import type { LoadedResult } from '../result/AnyRunResult.js';
import { entryDevice } from '../result/entryDevice.js';
import { closestMatch } from '../util/closestMatch.js';
import { defaultGateRules } from './defaultGateRules.js';
import type { GateInterleaving, GateReport, GateSide, GateVerdict, Verdict } from './GateReport.js';
import type { GateLimit, GateRule } from './GateRule.js';

/** Options of {@link evaluateGate}. */
export interface GateOptions {
  /** The rules. Default: {@link defaultGateRules} (default rules whose metric no entry has are left out). */
  rules?: readonly GateRule[];
  /** Significance level α of the one-sided test, in (0, 0.5). Default: 0.05. */
  alpha?: number;
  /** Test on raw samples: `processes` (the only one; see `compareMetric`). Default: `processes`. */
  test?: SampleTest;
  /** Power at which minimum detectable changes are stated, in (0, 1). Default: 0.8. */
  power?: number;
  /** Fields that identify an entry across the two sides (see `entryMatchKey`). Default: model, backend, options, workload. */
  match?: readonly MatchField[];
  /**
   * Minimum detectable changes measured by an A/A calibration (`gate --calibrate`), as the ratio a
   * regression must reach (`decodeTps: 0.9`: a drop to 0.9×; `ttftMs: 1.1`), by metric short name or
   * path. Default: none (the comparison's own figure alone).
   */
  minimumDetectable?: Readonly<Record<string, number>>;
  /** How the two sides were measured: interleaved in one job (`gate --ab`), or separately. Default: separately. */
  interleaving?: GateInterleaving;
  /** Differences that do not stop the gate. Default: none. */
  allowMismatch?: Iterable<MismatchKind>;
  /** Verdict for a baseline entry that ran but is absent from (or skipped in) the current run. Default: `warn`. */
  missing?: Verdict;
  /** Verdict for a baseline entry that ran but errored in the current run. Default: `fail`. */
  errored?: Verdict;
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number;
  /** Bootstrap seed. Default: 1. */
  seed?: number;
}

/** Gates `current` against `baseline`; throws a SlmbenchError `NOT_COMPARABLE` (exit 2) when they cannot be compared. */
export function evaluateGate(baseline: LoadedResult, current: LoadedResult, options: GateOptions = {}): GateReport {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${alpha}: expected a number in (0, 0.5)`);
  const test = options.test ?? 'processes';
  const power = options.power ?? 0.8;
  if (!(power > 0 && power < 1)) throw new UsageError(`--power ${power}: expected a number in (0, 1)`);
  const match = [...(options.match ?? DEFAULT_MATCH)];
  const calibrated = options.minimumDetectable ?? {};
  const allowed = new Set(options.allowMismatch ?? []);
  const missingVerdict = options.missing ?? 'warn';
  const erroredVerdict = options.errored ?? 'fail';
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 1;
  const explicitRules = options.rules !== undefined;
  const rules = options.rules ?? defaultGateRules();

  const keyed = (r: LoadedResult): Omit<KeyedEntry, 'key'>[] => r.result.entries.map((entry) => ({ entry, device: entryDevice(r.result, entry).id }));
  const matching = matchEntries(keyed(baseline), keyed(current), [`baseline ${baseline.source}`, `current ${current.source}`], match);
  if (matching.pairs.length === 0) {
    throw notComparable(`no entry of ${current.source} matches an entry of the baseline ${baseline.source} (entries match by ${describeMatch(match)})`);
  }
  const fingerprint = (side: 'baseline' | 'current', id: string) => {
    const result = (side === 'baseline' ? baseline : current).result;
    return entryDevice(result, { device: id }).fingerprint;
  };
  const mismatches = findMismatches(matching.pairs, fingerprint);
  const refused = mismatches.filter((m) => !allowed.has(m.kind));
  if (refused.length > 0) {
    const kinds = [...new Set(refused.map((m) => m.kind))];
    const details = refused.map((m) => `${m.kind === 'device' ? 'device differs' : 'backend version differs'}: ${m.detail}`).join('; ');
    throw notComparable(
      `the baseline ${baseline.source} is not comparable with ${current.source}: ${details}; pass --allow-mismatch ${kinds.join(',')} to gate anyway`,
    );
  }

  // Metric paths per rule, over the entries that ran on both sides; later rules win a shared path.
  const bothOk = matching.pairs.filter((p) => p.baseline.entry.status === 'ok' && p.current.entry.status === 'ok');
  const okEntries = bothOk.flatMap((p) => [p.baseline.entry, p.current.entry]);
  const ruleOf = new Map<string, GateRule>();
  for (const rule of rules) {
    const paths = resolveMetricPaths(rule.metric, okEntries);
    if (paths.length === 0 && explicitRules && bothOk.length > 0) {
      const known = listMetricPaths(okEntries);
      const shortNames = [...new Set(known.map((p) => p.split('.').at(-1)!))];
      const suggestion = closestMatch(rule.metric, [...shortNames, ...known]);
      throw new UsageError(
        `--rule ${rule.text}: no matched entry has a metric "${rule.metric}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; metrics: ${shortNames.join(', ')}`,
      );
    }
    for (const path of paths) {
      ruleOf.delete(path);
      ruleOf.set(path, rule);
    }
  }

  const verdicts: GateVerdict[] = [];
  const notes: string[] = [];
  for (const pair of matching.pairs) {
    const b = pair.baseline;
    const c = pair.current;
    const base = {
      entry: c.entry.label,
      baselineEntry: b.entry.label,
      setting: describeSettingDifference(b.entry, c.entry),
      key: pair.key,
      baselineId: b.entry.id,
      currentId: c.entry.id,
      devices: { baseline: b.device, current: c.device },
    };
    if (b.entry.status !== 'ok') {
      if (c.entry.status === 'ok') notes.push(`${c.entry.label}: ${b.entry.status} in the baseline, so not gated`);
      continue;
    }
    if (c.entry.status !== 'ok') {
      const errored = c.entry.status === 'errored';
      const error = c.entry.error ? `: ${c.entry.error.code} ${c.entry.error.message}` : '';
      verdicts.push({
        ...base,
        metric: 'entry',
        rule: null,
        direction: null,
        comparison: null,
        limits: { warn: null, fail: null },
        minimumDetectable: null,
        verdict: errored ? erroredVerdict : missingVerdict,
        reason: `ran in the baseline, ${c.entry.status} in the current run${error}`,
      });
      continue;
    }
    for (const [path, rule] of ruleOf) {
      const rb = readMetric(b.entry, path);
      const rc = readMetric(c.entry, path);
      if (!rb && !rc) continue;
      if (rule.bound) {
        verdicts.push({ ...base, ...judgeBound(rule, rule.bound, path, rb, rc, { alpha, power, resamples, seed }) });
        continue;
      }
      const limits = { warn: rule.warn?.text ?? null, fail: rule.fail?.text ?? null };
      if (!rb || !rc) {
        verdicts.push({ ...base, metric: path, rule: rule.text, direction: null, comparison: null, limits, minimumDetectable: null, verdict: 'skip', reason: `absent in the ${rb ? 'current run' : 'baseline'}` });
        continue;
      }
      const direction = ruleDirection(rule, path, rb.higherIsBetter ?? rc.higherIsBetter);
      const comparison = compareMetric(rb, rc, { direction, alternative: 'regression', alpha, power, resamples, seed });
      if (comparison.method === 'z-test') {
        // Both runs score the same items: an unpaired test of two estimates is not the evidence to use.
        Object.assign(comparison, {
          method: 'none',
          pValue: null,
          significant: null,
          change: null,
          note: `accuracy is judged on the limit alone: both runs score the same items, and the paired per-item test needs per-item scores on both sides (${comparison.note ?? 'results written before they were recorded'})`,
        });
      }
      const detectable = detectableFactor(comparison.minimumDetectable, calibrated[path] ?? calibrated[path.split('.').at(-1)!] ?? null);
      verdicts.push({
        ...base,
        metric: path,
        rule: rule.text,
        direction,
        comparison,
        limits,
        minimumDetectable: detectable === null ? null : direction === 'higher' ? 1 / detectable : detectable,
        ...judge(comparison, rule, direction, alpha, detectable),
      });
    }
  }
  for (const b of matching.baselineOnly) {
    if (b.entry.status !== 'ok') continue;
    verdicts.push({
      entry: b.entry.label,
      baselineEntry: b.entry.label,
      setting: null,
      key: b.key,
      baselineId: b.entry.id,
      currentId: null,
      devices: { baseline: b.device, current: null },
      metric: 'entry',
      rule: null,
      direction: null,
      comparison: null,
      limits: { warn: null, fail: null },
      minimumDetectable: null,
      verdict: missingVerdict,
      reason: 'ran in the baseline, absent from the current run',
    });
  }

  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const v of verdicts) counts[v.verdict]++;
  const side = (r: LoadedResult): GateSide => ({
    source: r.source,
    devices: [...new Set(r.result.entries.map((e) => entryDevice(r.result, e).id))],
    harness: r.result.harness,
    startedAt: r.result.startedAt,
  });
  const brief = (k: KeyedEntry) => ({ entry: k.entry.label, id: k.entry.id, status: k.entry.status });
  // Per metric, the largest detectable change over the entries: what this gate can resolve at worst.
  const minimumDetectable: Record<string, number> = {};
  for (const v of verdicts) {
    if (v.minimumDetectable === null) continue;
    const worse = (r: number) => Math.abs(Math.log(r));
    const known = minimumDetectable[v.metric];
    if (known === undefined || worse(v.minimumDetectable) > worse(known)) minimumDetectable[v.metric] = v.minimumDetectable;
  }
  return {
    verdict: counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'pass',
    counts,
    baseline: side(baseline),
    current: side(current),
    options: {
      alpha,
      test,
      rules: rules.map((r) => r.text),
      defaultRules: !explicitRules,
      allowMismatch: [...allowed],
      missing: missingVerdict,
      errored: erroredVerdict,
      resamples,
      seed,
      power,
      match,
    },
    evidence: options.interleaving
      ? { mode: 'interleaved', interleaving: options.interleaving, note: 'both sides ran in this job, their processes interleaved, so drift of the machine falls on both' }
      : {
          mode: 'separate runs',
          interleaving: null,
          note: 'the baseline was measured in another run: drift between runs (5–20% on shared VMs) is not in the intervals, so this evidence is weaker than an interleaved gate (gate --ab)',
        },
    minimumDetectable,
    mismatches,
    verdicts,
    unmatched: { baselineOnly: matching.baselineOnly.map(brief), currentOnly: matching.currentOnly.map(brief) },
    notes,
  };
}

/**
 * The direction a rule judges `path` in: the metric's known direction (a quality metric's own
 * `higherIsBetter` first), checked against the rule's sign; the sign alone for unknown metrics.
 */
export function ruleDirection(rule: GateRule, path: string, higherIsBetter: boolean | null): MetricDirection {
  const sign = rule.fail?.sign ?? rule.warn?.sign ?? null;
  const implied: MetricDirection | null = sign === '-' ? 'higher' : sign === '+' ? 'lower' : null;
  const known = metricDirection(path, higherIsBetter);
  if (known && implied && known !== implied) {
    const example = `${rule.metric}:${known === 'higher' ? '-' : '+'}${(rule.fail ?? rule.warn)!.text.replace(/^[+-]/, '')}`;
    throw new UsageError(
      `--rule ${rule.text}: ${path} is ${known}-is-better, so its regression is a ${known === 'higher' ? 'drop' : 'rise'}: write the allowed change with a ${known === 'higher' ? 'minus' : 'plus'} sign (${example})`,
    );
  }
  const direction = known ?? implied;
  if (!direction) {
    throw new UsageError(`--rule ${rule.text}: the direction of ${path} is not known: sign the limit (- if higher is better, + if lower is better)`);
  }
  return direction;
}

/** A bound rule's verdict (`METRIC <= X`): the current value against the bound; the comparison with the baseline is shown when both have the metric. */
function judgeBound(
  rule: GateRule,
  bound: NonNullable<GateRule['bound']>,
  path: string,
  rb: ReturnType<typeof readMetric>,
  rc: ReturnType<typeof readMetric>,
  settings: { alpha: number; power: number; resamples: number; seed: number },
): Pick<GateVerdict, 'metric' | 'rule' | 'direction' | 'comparison' | 'limits' | 'minimumDetectable' | 'verdict' | 'reason'> {
  const direction: MetricDirection = bound.op === '<=' ? 'lower' : 'higher';
  const limits = { warn: null, fail: `${bound.op} ${bound.value}` };
  if (!rc) return { metric: path, rule: rule.text, direction, comparison: null, limits, minimumDetectable: null, verdict: 'skip', reason: 'absent in the current run' };
  const comparison = rb ? compareMetric(rb, rc, { direction, alternative: 'regression', ...settings }) : null;
  const within = bound.op === '<=' ? rc.value <= bound.value : rc.value >= bound.value;
  return {
    metric: path,
    rule: rule.text,
    direction,
    comparison,
    limits,
    minimumDetectable: null,
    verdict: within ? 'pass' : 'fail',
    reason: `${rc.value} is ${within ? 'within' : 'past'} the bound ${bound.op} ${bound.value} (a bound on the current run's value, whatever the baseline's)`,
  };
}

/**
 * The detectable change as a factor ≥ 1: the larger of the comparison's own (`minimumDetectable`) and a
 * calibrated ratio (either way of 1); null when neither is known.
 */
function detectableFactor(own: number | null, calibrated: number | null): number | null {
  const factors = [own, calibrated].filter((x): x is number => x !== null && Number.isFinite(x) && x > 0).map((x) => (x < 1 ? 1 / x : x));
  return factors.length ? Math.max(...factors) : null;
}

/** Verdict and reason from a comparison, a rule and the detectable change (a factor ≥ 1, or null). */
function judge(c: MetricComparison, rule: GateRule, direction: MetricDirection, alpha: number, detectable: number | null): { verdict: Verdict; reason: string } {
  const worsening = (limit: GateLimit): number | null => {
    if (limit.kind === 'relative') {
      if (c.ratio === null) return null;
      return direction === 'higher' ? 1 - c.ratio : c.ratio - 1;
    }
    return direction === 'higher' ? -c.difference : c.difference;
  };
  /** The smallest worsening this comparison resolves, in the limit's unit; null when not known. */
  const resolvable = (limit: GateLimit): number | null => {
    if (detectable === null) return null;
    const relative = direction === 'higher' ? 1 - 1 / detectable : detectable - 1;
    return limit.kind === 'relative' ? relative : relative * Math.abs(c.baseline.value);
  };
  const beyond = (limit: GateLimit | null): boolean | null => {
    if (!limit) return false;
    const w = worsening(limit);
    if (w === null) return null;
    // A change exactly at the limit is allowed (tolerance for the rounding of ratios such as 0.95).
    return w - limit.magnitude > 1e-12 * Math.max(1, limit.magnitude);
  };
  const failBeyond = beyond(rule.fail);
  const warnBeyond = beyond(rule.warn);
  if (failBeyond === null || warnBeyond === null) return { verdict: 'skip', reason: 'the baseline value is 0: a relative limit cannot be judged' };
  const kind = (rule.fail ?? rule.warn)!.kind;
  const change = describeChange(c, kind);
  const evidence = describeEvidence(c, alpha);
  if (c.significant === false) {
    // Past the fail limit yet not resolved: neither a regression shown nor a pass to trust; say so.
    if (failBeyond) return { verdict: 'warn', reason: `${change} passes the fail limit ${rule.fail!.text}, but the interval reaches no change (${evidence}): inconclusive, rerun with more processes or gate --ab` };
    return { verdict: 'pass', reason: `${change}; not a significant worsening (${evidence})` };
  }
  const thresholdOnly = c.significant === null ? `; threshold only (${c.note ?? 'no test possible'})` : `; ${evidence}`;
  if (failBeyond) {
    const floor = resolvable(rule.fail!);
    if (floor !== null && floor > rule.fail!.magnitude && !(worsening(rule.fail!)! > floor)) {
      const shown = kind === 'relative' ? `${Number((floor * 100).toPrecision(2))}%` : Number(floor.toPrecision(2)).toString();
      return {
        verdict: 'warn',
        reason: `${change} passes the fail limit ${rule.fail!.text}, but this runner cannot resolve changes below ${shown} (minimum detectable at α = ${alpha}): the limit cannot be judged here, so it warns instead of failing at random (more processes, or gate --ab, resolve smaller changes)${thresholdOnly}`,
      };
    }
    return { verdict: 'fail', reason: `${change} passes the fail limit ${rule.fail!.text}${thresholdOnly}` };
  }
  if (warnBeyond) return { verdict: 'warn', reason: `${change} passes the warn limit ${rule.warn!.text}${thresholdOnly}` };
  const limits = [rule.warn?.text, rule.fail?.text].filter(Boolean).join(' / ');
  return { verdict: 'pass', reason: `${change} within ${limits}${thresholdOnly}` };
}

/** The change as text: `−9.8%` (relative, when the limit is and the baseline is not 0) or `−0.031` (absolute). */
export function describeChange(c: MetricComparison, kind: GateLimit['kind']): string {
  if (kind === 'relative' && c.ratio !== null) return `${formatSigned((c.ratio - 1) * 100, 3)}%`;
  return formatSigned(c.difference, 4);
}

/** The test's evidence as text: `90% interval of the ratio over 3 + 3 processes [0.88, 0.93]`, `z-test p = 0.0012 ≤ α = 0.05`. */
export function describeEvidence(c: MetricComparison, alpha: number): string {
  if (c.method === 'processes' && c.interval) {
    const over = c.processes ? ` over ${c.processes[0]} + ${c.processes[1]} processes` : '';
    return `${Math.round(c.interval.confidence * 100)}% interval of the ratio${over} [${c.interval.low.toPrecision(4)}, ${c.interval.high.toPrecision(4)}]`;
  }
  if (c.method === 'mcnemar' && c.pValue !== null && c.paired?.discordant) {
    const { worse, better } = c.paired.discordant;
    return `exact McNemar over ${c.paired.items} paired items (${worse} worse, ${better} better) ${formatP(c.pValue)} ${c.pValue <= alpha ? '≤' : '>'} α = ${alpha}`;
  }
  if (c.method === 'paired-bootstrap' && c.interval && c.paired) {
    return `${Math.round(c.interval.confidence * 100)}% paired-bootstrap interval of the mean difference over ${c.paired.items} items [${c.interval.low.toPrecision(4)}, ${c.interval.high.toPrecision(4)}]`;
  }
  if (c.pValue !== null) return `${c.method === 'z-test' ? 'z-test ' : ''}${formatP(c.pValue)} ${c.pValue <= alpha ? '≤' : '>'} α = ${alpha}`;
  return c.note ?? 'no test';
}

/** A p-value as text with 2 significant digits: `p = 0.0040`, or `p < 1e-6` below that. */
export function formatP(p: number): string {
  if (p < 1e-6) return 'p < 1e-6';
  return `p = ${p.toPrecision(2)}`;
}

function formatSigned(value: number, digits: number): string {
  const text = Number(value.toPrecision(digits)).toString();
  return value > 0 ? `+${text}` : value < 0 ? `−${text.slice(1)}` : '0';
}

function notComparable(message: string): SlmbenchError {
  return new SlmbenchError('NOT_COMPARABLE', message, EXIT_USAGE);
}
