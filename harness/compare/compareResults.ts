/**
 * Side-by-side comparison of results (`slmbench compare`). The entries are put in groups — one per input
 * file (`by: 'source'`), or one per device over every input (`by: 'device'`, for merged device-comparison
 * runs) — and every group is compared with a reference group: for each entry of the reference that ran,
 * each metric, the value in every group with its ratio to the reference, the interval of that ratio
 * (two-stage bootstrap over processes of the ratio of medians, 1 − α; see `compareMetric`), which
 * calls a metric better or worse only when that interval excludes no change; quality estimates are
 * compared pair by pair on the items both scored (exact McNemar, paired bootstrap), else by a z-test. Entries match by `entryMatchKey` (model sha256, backend id and options, workload, or the
 * fields of `match`); entries without a match are listed, never compared, with a hint when they differ
 * only in backend options. A cell whose entry differs from the reference's in a field left out of the
 * match says what differs. Differences of device (when grouping by source) and of backend versions
 * between the reference and a group are listed as notes.
 */
import { EXIT_USAGE, SlmbenchError, UsageError } from '../errors.js';
import type { LoadedResult } from '../result/AnyRunResult.js';
import { entryDevice } from '../result/entryDevice.js';
import { compareMetric, type MetricComparison, type SampleTest } from './compareMetric.js';
import { DEFAULT_MATCH, entryMatchKey, type MatchField } from './entryMatchKey.js';
import { describeSettingDifference } from './describeSettingDifference.js';
import { findMismatches } from './findMismatches.js';
import type { KeyedEntry } from './matchEntries.js';
import { metricDirection, type MetricDirection } from './metricDirection.js';
import { readMetric } from './readMetric.js';
import { resolveMetricPaths } from './resolveMetricPaths.js';
import { describeDevice } from '../device/describeDevice.js';

/** Metrics compared when none are named (those no entry has are left out). */
export const DEFAULT_COMPARE_METRICS: readonly string[] = ['decodeTps', 'prefillTps', 'ttftMs', 'tpotMs', 'peakRssBytes', 'acc'];

/** Options of {@link compareResults}. */
export interface CompareOptions {
  /** `source`: one group per input file; `device`: one group per device fingerprint id over all inputs. Default: `source`. */
  by?: 'source' | 'device';
  /**
   * The reference group: a 1-based group number, a source path as given, a device id or a unique prefix
   * of one (at least 4 characters). Default: the first group (the first file, or the first device seen).
   */
  reference?: string;
  /** Metric names, written as in gate rules (`decodeTps`, `acc`, `metrics.quality.arc_easy.acc`). Default: {@link DEFAULT_COMPARE_METRICS}. */
  metrics?: readonly string[];
  /** Significance level of the two-sided test; intervals have confidence 1 − α. Default: 0.05. */
  alpha?: number;
  /** Test that decides significance on raw samples. Default: `processes` (the only one). */
  test?: SampleTest;
  /** Fields that identify an entry across the groups (see `entryMatchKey`). Default: model, backend, options, workload. */
  match?: readonly MatchField[];
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number;
  /** Bootstrap seed. Default: 1. */
  seed?: number;
}

/** A group of entries: one input file, or one device. */
export interface ComparisonGroup {
  /** Source path (by source) or device id (by device). */
  key: string;
  /** Display name: the path, or the device in short (`AMD EPYC · 2 logical cores · linux x64 [137741]`). */
  label: string;
  /** Input files contributing entries. */
  sources: string[];
  /** Device ids of its entries. */
  devices: string[];
}

/** One group's value of one metric of one entry. */
export interface ComparisonCell {
  value: number;
  /** Sample count (1 for single numbers; rows for estimates, when known). */
  n: number | null;
  /** The comparison with the reference; null in the reference's own column. */
  comparison: MetricComparison | null;
  /** What this group's entry measured differently from the reference's (`threads 1 → 2`); null when nothing. */
  setting: string | null;
}

/** One (entry, metric) row. */
export interface ComparisonRow {
  /** Match key of the entry. */
  key: string;
  /** The reference entry's label. */
  entry: string;
  /** Metric path. */
  metric: string;
  /** Which way the metric improves; null when unknown (then `change` is never set). */
  direction: MetricDirection | null;
  /** One cell per group, in group order; null where the group lacks the entry or the metric. */
  cells: (ComparisonCell | null)[];
}

/** The comparison. */
export interface Comparison {
  by: 'source' | 'device';
  groups: ComparisonGroup[];
  /** Index of the reference in `groups`. */
  reference: number;
  /** Metric paths compared. */
  metrics: string[];
  rows: ComparisonRow[];
  /** Entries without a match: in a group but not in the reference, or in the reference but not in a group. */
  unmatched: { group: string; entry: string; status: string; missingFrom: string | null }[];
  /** Differences between the reference and other groups (device, backend versions). */
  notes: string[];
  options: { alpha: number; test: SampleTest; resamples: number; seed: number; match: MatchField[] };
}

/** Compares `inputs` (see the file comment). Throws a UsageError for fewer than two groups or an unknown reference. */
export function compareResults(inputs: readonly LoadedResult[], options: CompareOptions = {}): Comparison {
  const by = options.by ?? 'source';
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${alpha}: expected a number in (0, 0.5)`);
  const test = options.test ?? 'processes';
  const match = [...(options.match ?? DEFAULT_MATCH)];
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 1;

  type Group = ComparisonGroup & { entries: Map<string, KeyedEntry>; fingerprints: Map<string, Record<string, unknown>> };
  const groups: Group[] = [];
  const newGroup = (key: string, label: string): Group => {
    const group: Group = { key, label, sources: [], devices: [], entries: new Map(), fingerprints: new Map() };
    groups.push(group);
    return group;
  };
  inputs.forEach(({ result, source }, i) => {
    if (by === 'source') newGroup(`${i + 1}`, source).sources.push(source);
    for (const entry of result.entries) {
      const device = entryDevice(result, entry);
      const key = by === 'source' ? `${i + 1}` : device.id;
      let group = groups.find((g) => g.key === key);
      group ??= newGroup(key, describeGroupDevice(device.id, device.fingerprint));
      if (!group.sources.includes(source)) group.sources.push(source);
      if (!group.devices.includes(device.id)) group.devices.push(device.id);
      group.fingerprints.set(device.id, device.fingerprint);
      const matchKey = entryMatchKey(entry, match);
      const previous = group.entries.get(matchKey);
      if (previous) {
        const hint = by === 'source' && previous.device !== device.id ? ' (it ran on several devices: use --by device)' : '';
        throw new SlmbenchError(
          'NOT_COMPARABLE',
          `${group.label}: "${previous.entry.label}" and "${entry.label}" are the same on the matched fields (${match.join(', ')})${hint}`,
          EXIT_USAGE,
        );
      }
      group.entries.set(matchKey, { key: matchKey, entry, device: device.id });
    }
  });
  if (by === 'source') {
    // Keys were input numbers; show paths (a file given twice keeps its number).
    for (const g of groups) g.key = inputs.filter((x) => x.source === g.label).length > 1 ? `${g.label}#${g.key}` : g.label;
  }
  if (groups.length < 2) {
    throw new UsageError(by === 'source' ? 'compare: give at least two results (or one merged result with --by device)' : `compare --by device: the inputs hold ${groups.length} device${groups.length === 1 ? '' : 's'}; at least two are needed`);
  }
  const reference = findReference(groups, options.reference);
  const ref = groups[reference]!;

  const okEntries = groups.flatMap((g) => [...g.entries.values()].filter((k) => k.entry.status === 'ok').map((k) => k.entry));
  const metrics: string[] = [];
  for (const name of options.metrics ?? DEFAULT_COMPARE_METRICS) {
    const paths = resolveMetricPaths(name, okEntries);
    if (paths.length === 0 && options.metrics) throw new UsageError(`--metric ${name}: no entry has this metric`);
    for (const p of paths) if (!metrics.includes(p)) metrics.push(p);
  }

  const rows: ComparisonRow[] = [];
  for (const refEntry of ref.entries.values()) {
    if (refEntry.entry.status !== 'ok') continue;
    for (const metric of metrics) {
      const refReading = readMetric(refEntry.entry, metric);
      if (!refReading) continue;
      const direction = metricDirection(metric, refReading.higherIsBetter);
      const cells = groups.map((g, gi): ComparisonCell | null => {
        const other = g.entries.get(refEntry.key);
        if (!other || other.entry.status !== 'ok') return null;
        const reading = gi === reference ? refReading : readMetric(other.entry, metric);
        if (!reading) return null;
        const n = reading.kind === 'samples' ? reading.samples.length : reading.kind === 'estimate' ? reading.n : 1;
        if (gi === reference) return { value: reading.value, n, comparison: null, setting: null };
        const comparison = compareMetric(refReading, reading, { direction: direction ?? 'higher', alternative: 'two-sided', alpha, resamples, seed });
        if (!direction) comparison.change = null;
        return { value: reading.value, n, comparison, setting: describeSettingDifference(refEntry.entry, other.entry) };
      });
      rows.push({ key: refEntry.key, entry: refEntry.entry.label, metric, direction, cells });
    }
  }

  const unmatched: Comparison['unmatched'] = [];
  const notes: string[] = [];
  groups.forEach((g, gi) => {
    if (gi === reference) return;
    for (const k of g.entries.values()) {
      if (!ref.entries.has(k.key)) unmatched.push({ group: g.label, entry: k.entry.label, status: k.entry.status, missingFrom: ref.label });
    }
    for (const k of ref.entries.values()) {
      if (!g.entries.has(k.key)) unmatched.push({ group: ref.label, entry: k.entry.label, status: k.entry.status, missingFrom: g.label });
    }
    // Entries left unmatched on both sides that would pair without their options: a setting change.
    const withoutOptions = match.filter((f) => f !== 'options' && !f.startsWith('options.'));
    if (withoutOptions.length < match.length) {
      const loose = (k: KeyedEntry) => entryMatchKey(k.entry, withoutOptions);
      const refOnly = new Set([...ref.entries.values()].filter((k) => !g.entries.has(k.key)).map(loose));
      const paired = [...g.entries.values()].filter((k) => !ref.entries.has(k.key) && refOnly.has(loose(k)));
      if (paired.length) {
        notes.push(`${g.label} vs ${ref.label}: ${paired.length} unmatched ${paired.length === 1 ? 'entry differs' : 'entries differ'} from the reference only in backend options: pass --match ${withoutOptions.join(',')} to compare the settings`);
      }
    }
    const pairs = [...ref.entries.values()]
      .filter((k) => g.entries.has(k.key))
      .map((k) => ({ key: k.key, baseline: k, current: g.entries.get(k.key)! }));
    const fingerprint = (side: 'baseline' | 'current', id: string) => (side === 'baseline' ? ref : g).fingerprints.get(id) ?? {};
    for (const m of findMismatches(pairs, fingerprint)) {
      if (by === 'device' && m.kind === 'device') continue; // the point of the comparison
      notes.push(`${g.label} vs ${ref.label}: ${m.kind} differs: ${m.detail}`);
    }
  });

  return {
    by,
    groups: groups.map(({ key, label, sources, devices }) => ({ key, label, sources, devices })),
    reference,
    metrics,
    rows,
    unmatched,
    notes,
    options: { alpha, test, resamples, seed, match },
  };
}

function findReference(groups: readonly ComparisonGroup[], wanted: string | undefined): number {
  if (wanted === undefined) return 0;
  const n = Number(wanted);
  if (Number.isInteger(n) && n >= 1 && n <= groups.length && String(n) === wanted.trim()) return n - 1;
  const exact = groups.findIndex((g) => g.key === wanted || g.label === wanted || g.sources.length === 1 && g.sources[0] === wanted);
  if (exact >= 0) return exact;
  if (wanted.length >= 4) {
    const prefixed = groups.map((g, i) => [g, i] as const).filter(([g]) => g.devices.some((d) => d.startsWith(wanted)));
    if (prefixed.length === 1) return prefixed[0]![1];
  }
  throw new UsageError(`--reference ${wanted}: no such group; groups: ${groups.map((g, i) => `${i + 1} = ${g.label}`).join(', ')}`);
}

/** `AMD EPYC · 2 logical cores · linux x64 [137741]`. */
function describeGroupDevice(id: string, f: Record<string, unknown>): string {
  return `${describeDevice(f)} [${id.slice(0, 6)}]`;
}
