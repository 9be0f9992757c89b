/**
 * One flat row per entry — identity, run metadata, the composite columns (`composite`: `cascade`,
 * `ensemble` or null for a single model; the cascade's `threshold`, a number or `-inf`/`inf`; its
 * `escalationRate`), every metric's median, mean, standard deviation and 95% interval, error and ranking:
 * the one field source of the tabular reports (every column of the CSV; the console, Markdown and HTML
 * tables pick theirs through `entryFields`). Metric columns are found generically, so metrics added later
 * (quality, energy) appear without changes here.
 */
import type { EntryRecord } from '../harness/result/EntryRecord.js';
import type { RankedEntry } from '../harness/ranking/Ranking.js';
import { Z95 } from '../harness/stats/normalQuantile.js';
import { compositeFields } from './compositeFields.js';
import { formatOption } from '../harness/result/formatOption.js';

/** A cell: numbers stay numbers (full precision); absent values are null. */
export type FlatValue = string | number | boolean | null;

/** Column name → value, in a stable column order. */
export type FlatRow = Record<string, FlatValue>;

/** What the entry does not carry itself. */
export interface FlattenContext {
  /** Unique key of the entry in the report (its id, or id@device when merged results repeat an id). Default: the id. */
  key?: string;
  /** Device name shown in reports. Default: null. */
  device?: string | null;
  /** Device id (fingerprint hash). Default: null. */
  deviceId?: string | null;
  /** The entry's ranking, when ranked. Default: no ranking columns. */
  ranking?: RankedEntry;
  /** Option keys to show in `options` (those that vary); default: every option. */
  optionKeys?: readonly string[];
}

/** Flattens one entry; see {@link FlatRow}. */
export function flattenEntry(entry: EntryRecord, context: FlattenContext = {}): FlatRow {
  const options = entry.backend.options ?? {};
  const keys = context.optionKeys ?? Object.keys(options);
  const composite = compositeFields(entry);
  const threshold = composite?.thresholdValue ?? null;
  const row: FlatRow = {
    key: context.key ?? entry.id,
    id: entry.id,
    status: entry.status,
    label: entry.label,
    model: entry.model.name,
    format: entry.model.format ?? null,
    quant: entry.model.quant ?? null,
    params: entry.model.params ?? null,
    modelSizeBytes: entry.model.sizeBytes ?? null,
    backend: entry.backend.id,
    backendVersion: entry.backend.version ?? null,
    options: keys.map((k) => `${k}=${formatOption(options[k])}`).join(' '),
    backendDevice: entry.backend.device ?? null,
    workload: entry.workload.name,
    promptTokens: entry.workload.promptTokenCount ?? entry.workload.promptTokens ?? null,
    genTokens: entry.workload.genTokens,
    device: context.device ?? null,
    deviceId: context.deviceId ?? null,
    repetitions: entry.measurement?.repetitions ?? null,
    tokenHandover: entry.measurement?.tokenHandover ?? null,
    firstHandoverTokens: entry.measurement?.firstHandoverTokens ?? null,
    composite: composite?.kind ?? null,
    threshold: threshold === null ? null : Number.isFinite(threshold) ? threshold : composite!.threshold,
    escalationRate: composite?.escalationRate ?? null,
  };
  if (entry.metrics) flattenMetrics(entry.metrics, '', row);
  row.errorCode = entry.error?.code ?? null;
  row.errorMessage = entry.error?.message ?? null;
  if (context.ranking) {
    const r = context.ranking;
    row.front = r.front;
    row.crowding = r.front === null ? null : (r.crowding ?? 'Infinity');
    row.hypervolumeContribution = r.hypervolumeContribution;
    row.weightedScore = r.weightedScore;
    row.gold = r.medals.gold;
    row.silver = r.medals.silver;
    row.bronze = r.medals.bronze;
  }
  return row;
}

/** The columns of several rows: the union of their keys in first-seen order. */
export function flatColumns(rows: readonly FlatRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function flattenMetrics(value: unknown, prefix: string, row: FlatRow): void {
  if (value === null || value === undefined) {
    if (prefix) row[prefix] = null;
    return;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    row[prefix] = value;
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return;
  const o = value as Record<string, unknown>;
  if (typeof o.median === 'number' && typeof o.n === 'number') {
    // A statistics object: median, mean and standard deviation, and the 95% interval of the mean; measured
    // statistics add the median's own interval and the cold (first) repetition.
    const ci = Array.isArray(o.ci95) ? (o.ci95 as number[]) : null;
    row[`${prefix}.median`] = o.median;
    row[`${prefix}.mean`] = typeof o.mean === 'number' ? o.mean : null;
    row[`${prefix}.stdev`] = typeof o.stdev === 'number' ? o.stdev : null;
    row[`${prefix}.ci95Low`] = ci?.[0] ?? null;
    row[`${prefix}.ci95High`] = ci?.[1] ?? null;
    if ('medianCi95' in o) {
      const m = Array.isArray(o.medianCi95) ? (o.medianCi95 as number[]) : null;
      row[`${prefix}.medianCi95Low`] = m?.[0] ?? null;
      row[`${prefix}.medianCi95High`] = m?.[1] ?? null;
    }
    if ('cold' in o) row[`${prefix}.cold`] = typeof o.cold === 'number' ? o.cold : null;
    row[`${prefix}.n`] = o.n;
    return;
  }
  if (typeof o.value === 'number') {
    // An estimate ({value, stderr, n}) or a labelled value ({value, method, estimated}).
    row[prefix] = o.value;
    if (typeof o.stderr === 'number') {
      row[`${prefix}.ci95Low`] = o.value - Z95 * o.stderr;
      row[`${prefix}.ci95High`] = o.value + Z95 * o.stderr;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'value') continue;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') row[`${prefix}.${k}`] = v;
    }
    return;
  }
  for (const [k, v] of Object.entries(o)) flattenMetrics(v, prefix ? `${prefix}.${k}` : k, row);
}
