/**
 * The performance gate: compares a current result with a baseline, entry by entry and metric by metric,
 * and decides pass, warn or fail.
 *
 * 1. Entries are matched by model sha256, backend id and options, and workload (`entryMatchKey`).
 *    Nothing matched at all is refused (`NOT_COMPARABLE`).
 * 2. Matched entries that ran on different devices, or with different backend package versions, are
 *    refused (`NOT_COMPARABLE`, naming what differs) unless `allowMismatch` names the kind.
 * 3. Each rule's metric is resolved (`resolveMetricPaths`: `acc` → every `metrics.quality.<task>.acc`);
 *    a later rule for the same metric path replaces an earlier one. An explicit rule whose metric no
 *    matched entry has is a usage error (a typo would otherwise pass silently).
 * 4. For each (matched entry, metric): `compareMetric` one-sided ("is the current run worse?") at α,
 *    and the practical threshold on the point change (ratio of medians − 1 for `%` limits, difference
 *    for absolute ones). A tier is reached when the worsening is larger than its limit. The verdict is
 *    `fail` when the test is significant AND the fail limit is passed; `warn` when significant and the
 *    warn limit is passed; else `pass`. When no test is possible (one number per run: peakRssBytes,
 *    energy, loadMs; estimates without standard error) the threshold alone decides, and the verdict's
 *    reason says "threshold only".
 * 5. A baseline entry that ran (`ok`) but is absent from the current run, or skipped there, gets the
 *    `missing` verdict (default warn); one that errored in the current run gets `errored` (default fail).
 */
import { compareMetric, type MetricComparison, type SampleTest } from '../compare/compareMetric.js';
import { findMismatches, type MismatchKind } from '../compare/findMismatches.js';
import { matchEntries, type KeyedEntry } from '../compare/matchEntries.js';
import { metricDirection, type MetricDirection } from '../compare/metricDirection.js';
import { readMetric } from '../compare/readMetric.js';
import { listMetricPaths, resolveMetricPaths } from '../compare/resolveMetricPaths.js';
import { EXIT_USAGE, SlmbenchError, UsageError } from '../errors.js';
import type { LoadedResult } from '../result/AnyRunResult.js';
import { entryDevice } from '../result/entryDevice.js';
import { closestMatch } from '../util/closestMatch.js';
import { defaultGateRules } from './defaultGateRules.js';
import type { GateReport, GateSide, GateVerdict, Verdict } from './GateReport.js';
import type { GateLimit, GateRule } from './GateRule.js';

/** Options of {@link evaluateGate}. */
export interface GateOptions {
  /** The rules. Default: {@link defaultGateRules} (default rules whose metric no entry has are left out). */
  rules?: readonly GateRule[];
  /** Significance level α of the one-sided test, in (0, 0.5). Default: 0.05. */
  alpha?: number;
  /** Test on raw samples: `mann-whitney` (one-sided U test) or `bootstrap` (interval of the ratio of medians at 1 − 2α). Default: `mann-whitney`. */
  test?: SampleTest;
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
  const test = options.test ?? 'mann-whitney';
  const allowed = new Set(options.allowMismatch ?? []);
  const missingVerdict = options.missing ?? 'warn';
  const erroredVerdict = options.errored ?? 'fail';
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 1;
  const explicitRules = options.rules !== undefined;
  const rules = options.rules ?? defaultGateRules();

  const keyed = (r: LoadedResult): Omit<KeyedEntry, 'key'>[] => r.result.entries.map((entry) => ({ entry, device: entryDevice(r.result, entry).id }));
  const matching = matchEntries(keyed(baseline), keyed(current), [`baseline ${baseline.source}`, `current ${current.source}`]);
  if (matching.pairs.length === 0) {
    throw notComparable(
      `no entry of ${current.source} matches an entry of the baseline ${baseline.source} (entries match by model sha256, backend id and options, and workload)`,
    );
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
        verdict: errored ? erroredVerdict : missingVerdict,
        reason: `ran in the baseline, ${c.entry.status} in the current run${error}`,
      });
      continue;
    }
    for (const [path, rule] of ruleOf) {
      const rb = readMetric(b.entry, path);
      const rc = readMetric(c.entry, path);
      if (!rb && !rc) continue;
      const limits = { warn: rule.warn?.text ?? null, fail: rule.fail?.text ?? null };
      if (!rb || !rc) {
        verdicts.push({ ...base, metric: path, rule: rule.text, direction: null, comparison: null, limits, verdict: 'skip', reason: `absent in the ${rb ? 'current run' : 'baseline'}` });
        continue;
      }
      const direction = ruleDirection(rule, path, rb.higherIsBetter ?? rc.higherIsBetter);
      const comparison = compareMetric(rb, rc, { direction, alternative: 'regression', alpha, test, resamples, seed });
      verdicts.push({ ...base, metric: path, rule: rule.text, direction, comparison, limits, ...judge(comparison, rule, direction, alpha) });
    }
  }
  for (const b of matching.baselineOnly) {
    if (b.entry.status !== 'ok') continue;
    verdicts.push({
      entry: b.entry.label,
      key: b.key,
      baselineId: b.entry.id,
      currentId: null,
      devices: { baseline: b.device, current: null },
      metric: 'entry',
      rule: null,
      direction: null,
      comparison: null,
      limits: { warn: null, fail: null },
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
    },
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

/** Verdict and reason from a comparison and a rule. */
function judge(c: MetricComparison, rule: GateRule, direction: MetricDirection, alpha: number): { verdict: Verdict; reason: string } {
  const worsening = (limit: GateLimit): number | null => {
    if (limit.kind === 'relative') {
      if (c.ratio === null) return null;
      return direction === 'higher' ? 1 - c.ratio : c.ratio - 1;
    }
    return direction === 'higher' ? -c.difference : c.difference;
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
  const change = describeChange(c, (rule.fail ?? rule.warn)!.kind);
  const evidence = describeEvidence(c, alpha);
  if (c.significant === false) return { verdict: 'pass', reason: `${change}; not a significant worsening (${evidence})` };
  const thresholdOnly = c.significant === null ? `; threshold only (${c.note ?? 'no test possible'})` : `; ${evidence}`;
  if (failBeyond) return { verdict: 'fail', reason: `${change} passes the fail limit ${rule.fail!.text}${thresholdOnly}` };
  if (warnBeyond) return { verdict: 'warn', reason: `${change} passes the warn limit ${rule.warn!.text}${thresholdOnly}` };
  const limits = [rule.warn?.text, rule.fail?.text].filter(Boolean).join(' / ');
  return { verdict: 'pass', reason: `${change} within ${limits}${thresholdOnly}` };
}

/** The change as text: `−9.8%` (relative, when the limit is and the baseline is not 0) or `−0.031` (absolute). */
export function describeChange(c: MetricComparison, kind: GateLimit['kind']): string {
  if (kind === 'relative' && c.ratio !== null) return `${formatSigned((c.ratio - 1) * 100, 3)}%`;
  return formatSigned(c.difference, 4);
}

/** The test's evidence as text: `p = 0.0012 < α = 0.05`, `90% interval of the ratio [0.88, 0.93]`. */
export function describeEvidence(c: MetricComparison, alpha: number): string {
  if (c.method === 'bootstrap' && c.interval) {
    return `${Math.round(c.interval.confidence * 100)}% interval of the ratio [${c.interval.low.toPrecision(4)}, ${c.interval.high.toPrecision(4)}]`;
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
