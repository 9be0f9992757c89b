/**
 * The one field list of the entry tables (llama-bench feeds every printer from its `get_fields()`): every
 * column the console table, the Markdown report and the HTML tables can show, with its heading, how it
 * reads as text and when it is shown. Values come from the entry's flat row (`flattenEntry`, whose fields
 * are also the CSV's columns, every one of them) and, for a metric with its interval, from the metric
 * catalogue (`describeMetric`, `resolveMetric`). Printers pick fields by key and format the text their way
 * (escaping, HTML cells); which fields appear is decided by one rule, {@link visibleFields}.
 */
import type { EntryRecord } from '../harness/result/EntryRecord.js';
import { resolveMetric, type MetricValue } from '../harness/ranking/resolveMetric.js';
import type { FlatRow, FlatValue } from './flattenEntry.js';
import { formatNumber } from './formatNumber.js';
import { formatPercent } from './formatPercent.js';

/** An entry as the fields read it: its record and its flat row. */
export interface FieldSource {
  entry: EntryRecord;
  row: FlatRow;
}

/**
 * When a field is shown. `varying`: an identity field (what the entry is: model, backend, options…), shown
 * where the rows differ and otherwise stated once for all of them; `present`: shown where some row has a
 * value (a cascade's escalation rate); `always`.
 */
export type FieldShow = 'varying' | 'present' | 'always';

/** One field of the entry tables. */
export interface EntryField {
  /** Stable key printers select the field by. */
  key: string;
  /** Column heading. */
  head: string;
  show: FieldShow;
  /** Right-aligned number (a sortable value in HTML). */
  numeric: boolean;
  /** The field's value: what `present` tests and HTML sorts on; null when the entry has none. */
  value(source: FieldSource): FlatValue;
  /** The value as a table shows it; '' or `—` when there is none. */
  text(source: FieldSource): string;
  /** A metric field: the catalogue path it reads, and the display scale (stored value → shown). */
  metric?: { path: string; scale: number };
}


function field(key: string, head: string, show: FieldShow, value: (s: FieldSource) => FlatValue, text?: (s: FieldSource) => string, numeric = false): EntryField {
  return { key, head, show, numeric, value, text: text ?? ((s) => cellText(value(s))) };
}

function cellText(value: FlatValue): string {
  if (value === null) return '—';
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

const column = (name: string) => (s: FieldSource) => s.row[name] ?? null;

/** The fields every printer shares, by key. */
export const ENTRY_FIELDS = {
  model: field('model', 'model', 'varying', column('model')),
  /** The model tagged with its composite kind (`a → b [cascade]`): the console's one model column. */
  modelKind: field('modelKind', 'model', 'varying', (s) => (s.row.composite ? `${String(s.row.model)} [${String(s.row.composite)}]` : (s.row.model ?? null))),
  /** `single`, `cascade` or `ensemble`; shown where the report has a composite entry. */
  kind: field('kind', 'kind', 'present', column('composite'), (s) => String(s.row.composite ?? 'single')),
  quant: field('quant', 'quant', 'varying', column('quant')),
  params: field('params', 'params', 'varying', column('params'), undefined, true),
  backend: field('backend', 'backend', 'varying', column('backend')),
  version: field('version', 'version', 'varying', column('backendVersion')),
  /** The options that vary across the run (`flattenEntry`'s `optionKeys`), `k=v` each; '' when none. */
  options: field('options', 'options', 'varying', column('options'), (s) => String(s.row.options ?? '')),
  workload: field('workload', 'workload', 'varying', column('workload')),
  device: field('device', 'device', 'varying', column('device')),
  /** `ok`, or the status with the error code (`errored: WORKER_CRASHED`). */
  status: field('status', 'status', 'always', column('status'), (s) => (s.row.status === 'ok' ? 'ok' : `${String(s.row.status)}: ${String(s.row.errorCode ?? '')}`)),
  reps: field('reps', 'reps', 'always', column('repetitions'), undefined, true),
  front: field('front', 'front', 'always', column('front'), undefined, true),
  /** A cascade's share of requests answered by a later stage. */
  escalation: field('escalation', 'escalation rate', 'present', column('escalationRate'), (s) => formatPercent(numberOr(s.row.escalationRate)), true),
  /** Against the run's latency budget: `✓ 96%` (met, the share of requests within it) or `✗ 40%`. */
  slo: field('slo', 'SLO', 'present', column('slo.attainment'), (s) => {
    const attainment = numberOr(s.row['slo.attainment']);
    return attainment === null ? '—' : `${s.row['slo.met'] === true ? '✓' : '✗'} ${formatPercent(attainment)}`;
  }, true),
  /** Measured repetitions of the speed loop. */
  n: field('n', 'n', 'always', column('ttftMs.n'), undefined, true),
} satisfies Record<string, EntryField>;

/** The key of a shared field. */
export type EntryFieldKey = keyof typeof ENTRY_FIELDS;

/** The shared fields with these keys, in this order. */
export function pickFields(keys: readonly EntryFieldKey[]): EntryField[] {
  return keys.map((k) => ENTRY_FIELDS[k]);
}

/**
 * A statistic as `mean ± stdev` (the console's summary of the repetitions), from the flat row's
 * `<path>.mean` and `<path>.stdev`, `digits` decimals; `—` when the entry has none.
 */
export function meanField(path: string, head: string, digits = 2): EntryField {
  return field(`${path}.mean`, head, 'always', column(`${path}.mean`), (s) => {
    const mean = numberOr(s.row[`${path}.mean`]);
    if (mean === null) return '—';
    const stdev = numberOr(s.row[`${path}.stdev`]);
    return stdev === null ? mean.toFixed(digits) : `${mean.toFixed(digits)} ± ${stdev.toFixed(digits)}`;
  }, true);
}

/** A flat-row number shown scaled with fixed decimals (`peak RSS MiB`, `% of bound`); `—` when absent or not measured. */
export function scaledField(path: string, head: string, scale: number, digits: number, notMeasured?: string): EntryField {
  const value = (s: FieldSource) => (notMeasured && s.row[`notMeasured.${notMeasured}`] ? null : numberOr(s.row[path]));
  return field(path, head, 'always', value, (s) => {
    const v = value(s);
    return v === null ? '—' : (v * scale).toFixed(digits);
  }, true);
}

/** An accuracy metric as `value ± stderr` (three decimals), from the flat row's `quality.<task>.<metric>`. */
export function qualityField(task: string, metric: string): EntryField {
  const path = `quality.${task}.${metric}`;
  return field(path, `${task} ${metric}`, 'always', column(path), (s) => {
    const v = numberOr(s.row[path]);
    if (v === null) return '—';
    const stderr = numberOr(s.row[`${path}.stderr`]);
    return stderr === null ? v.toFixed(3) : `${v.toFixed(3)} ± ${stderr.toFixed(3)}`;
  }, true);
}

/**
 * Energy per output token in mJ. Where some entries are measured and others estimated, estimated ones are
 * marked `*` and the heading says so; where all are estimated, the heading says that.
 */
export function energyPerTokenField(sources: readonly FieldSource[]): EntryField {
  const path = 'energy.joulesPerOutputToken';
  const measured = sources.some((s) => s.row['energy.estimated'] === false);
  return field(path, measured ? 'mJ/token (* estimated)' : 'mJ/token (estimated)', 'always', column(path), (s) => {
    const joules = numberOr(s.row[path]);
    if (joules === null) return '—';
    return `${(joules * 1000).toFixed(3)}${measured && s.row['energy.estimated'] === true ? '*' : ''}`;
  }, true);
}

/**
 * A metric of the catalogue (`metrics.decodeTps`, `metrics.quality.arc_easy.acc`) with its interval: the
 * value ranked on and its 95% interval (`resolveMetric`), `median [low, high]` in display units.
 */
export function metricField(path: string, head: string, scale: number): EntryField {
  const resolved = (s: FieldSource): MetricValue | null => resolveMetric(s.entry, path);
  return {
    key: path,
    head,
    show: 'always',
    numeric: true,
    metric: { path, scale },
    value: (s) => resolved(s)?.value ?? null,
    text: (s) => {
      const v = resolved(s);
      if (!v) return '—';
      const value = formatNumber(v.value * scale);
      return v.low === v.high ? value : `${value} [${formatNumber(v.low * scale)}, ${formatNumber(v.high * scale)}]`;
    },
  };
}

/** A divergence in nats: `0`, scientific below 0.001 (`3.2e-9`), else four significant digits. */
export function formatNats(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '0';
  return Math.abs(value) < 1e-3 ? value.toExponential(1) : formatNumber(value);
}

/**
 * The fidelity columns (`metrics.fidelity`, shown where some entry has it): KL divergence mean, p99 and max
 * (nats), top-1 agreement, perplexity ratio to the reference and the share of greedy tokens as the reference's.
 */
export function fidelityFields(): EntryField[] {
  const nats = (path: string, head: string) => field(path, head, 'present', column(path), (s) => formatNats(numberOr(s.row[path])), true);
  const share = (path: string, head: string) => field(path, head, 'present', column(path), (s) => formatPercent(numberOr(s.row[path])), true);
  return [
    nats('fidelity.klMean', 'KL mean'),
    nats('fidelity.klP99', 'KL p99'),
    nats('fidelity.klMax', 'KL max'),
    share('fidelity.top1Agreement', 'top-1 agree'),
    field('fidelity.pplRatio', 'PPL ratio', 'present', column('fidelity.pplRatio'), (s) => {
      const v = numberOr(s.row['fidelity.pplRatio']);
      return v === null ? '—' : v.toFixed(4);
    }, true),
    share('fidelity.generation.identicalShare', 'greedy same'),
  ];
}

/** What {@link visibleFields} decided. */
export interface VisibleFields {
  /** The fields to show as columns, in the order given. */
  shown: EntryField[];
  /** The identity fields every row shares, with their one text (those with no value left out). */
  constant: { field: EntryField; text: string }[];
}

/**
 * The one rule for hiding columns: a `varying` field is a column where the rows' texts differ, and is
 * otherwise constant (stated once, where it has a value); a `present` field is a column where some row has
 * a value; an `always` field is always one. With `keepName`, a table whose rows share every identity
 * field keeps the first one, so a row still says what it measured (the console table, which has no label
 * column).
 */
export function visibleFields(fields: readonly EntryField[], sources: readonly FieldSource[], options: { keepName?: boolean } = {}): VisibleFields {
  const varies = (f: EntryField) => new Set(sources.map((s) => f.text(s))).size > 1;
  const show = new Set(
    fields.filter((f) => (f.show === 'always' ? true : f.show === 'present' ? sources.some((s) => f.value(s) !== null) : varies(f))),
  );
  const name = fields.find((f) => f.show === 'varying');
  if (options.keepName && name && ![...show].some((f) => f.show === 'varying')) show.add(name);
  const constant = fields
    .filter((f) => f.show === 'varying' && !show.has(f) && sources.length > 0)
    .map((f) => ({ field: f, text: f.text(sources[0]!) }))
    .filter((c) => c.text !== '' && c.text !== '—');
  return { shown: fields.filter((f) => show.has(f)), constant };
}

function numberOr(value: FlatValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
