/**
 * The per-entry record every chart plots: identity fields, ranking, the composite fields (single model,
 * cascade or ensemble; stages, threshold, escalation rate, cascade family), and each charted metric
 * (displayed value, interval, in display units), plus the tooltip that lists them all.
 */
import type { StringFieldDef } from 'vega-lite/types_unstable/channeldef.js';
import { metricAt, resolveMetric } from '../../../harness/ranking/resolveMetric.js';
import type { ReportEntry } from '../../buildReportModel.js';
import { compositeFields } from '../../compositeFields.js';
import { formatPercent } from '../../formatPercent.js';
import type { ChartMetric } from './chartMetrics.js';
import { fieldName, TOOLTIP_FORMAT } from './chartConfig.js';

export type EntryDatum = Record<string, string | number | null>;

/** Front legend values. */
export const FRONT = { pareto: 'Pareto front', dominated: 'dominated' } as const;

/** `kind` legend values: a single model, or a composite strategy. */
export const KIND = { single: 'single model', cascade: 'composite: cascade', ensemble: 'composite: ensemble' } as const;

/** Point shape of each kind. */
export const KIND_SHAPE: Record<(typeof KIND)[keyof typeof KIND], string> = {
  [KIND.single]: 'circle',
  [KIND.cascade]: 'diamond',
  [KIND.ensemble]: 'square',
};

/** The cascade family (threshold sweep) an entry belongs to, and its place in it. */
export interface DatumFamily {
  id: string;
  label: string;
  /** Position in the family's threshold order, from 0. */
  order: number;
}

/**
 * Datum of an entry. For each metric `m`: `m_<name>` (ranked value: median, number or estimate, scaled to
 * display units), `m_<name>_mean`, `m_<name>_lo`, `m_<name>_hi` (mean and its interval when the metric is a
 * statistics object; the estimate's interval otherwise; the value when there is none). Composite fields:
 * `kind` ({@link KIND}), `stages`, `threshold` and `signal` (text, `—` where they do not apply),
 * `escalation` (text) and `escalationRate` (0–1 or null), `family`, `familyLabel` and `sweepOrder` (the
 * cascade threshold sweep, null outside one).
 *
 * @param family the entry's cascade family, when it belongs to one
 */
export function entryDatum(e: ReportEntry, metrics: readonly ChartMetric[], family: DatumFamily | null = null): EntryDatum {
  const model = e.entry.model;
  const composite = compositeFields(e.entry);
  const datum: EntryDatum = {
    key: e.key,
    label: e.label,
    model: model.name,
    quant: model.quant ?? model.format ?? 'unknown',
    backend: e.entry.backend.id,
    device: e.device.name,
    workload: e.entry.workload.name,
    params: model.params ?? null,
    sizeMiB: typeof model.sizeBytes === 'number' ? model.sizeBytes / 1048576 : null,
    energyMethod: energyMethod(e),
    front: e.ranking.front === 0 ? FRONT.pareto : FRONT.dominated,
    frontIndex: e.ranking.front,
    kind: composite ? KIND[composite.kind] : KIND.single,
    stages: composite?.stagesText || '—',
    threshold: composite?.threshold ?? '—',
    signal: composite?.signal ? `${composite.signal}${composite.signalTokens === null ? '' : ` over ${composite.signalTokens} tokens`}` : '—',
    escalation: escalationText(composite?.kind ?? null, composite?.escalationRate ?? null),
    escalationRate: composite?.escalationRate ?? null,
    family: family?.id ?? null,
    familyLabel: family?.label ?? null,
    sweepOrder: family?.order ?? null,
  };
  for (const m of metrics) {
    const f = fieldName(m.path);
    const v = resolveMetric(e.entry, m.path);
    datum[f] = v ? v.value * m.scale : null;
    const stats = metricAt(e.entry, m.path) as { mean?: unknown; ci95?: unknown } | null | undefined;
    if (stats && typeof stats === 'object' && typeof stats.mean === 'number') {
      const ci = Array.isArray(stats.ci95) ? (stats.ci95 as [number, number]) : null;
      datum[`${f}_mean`] = stats.mean * m.scale;
      datum[`${f}_lo`] = (ci ? ci[0] : stats.mean) * m.scale;
      datum[`${f}_hi`] = (ci ? ci[1] : stats.mean) * m.scale;
    } else {
      datum[`${f}_mean`] = v ? v.value * m.scale : null;
      datum[`${f}_lo`] = v ? v.low * m.scale : null;
      datum[`${f}_hi`] = v ? v.high * m.scale : null;
    }
  }
  return datum;
}

/** How the entry's energy was obtained, e.g. `rapl` or `estimate (estimated)`; null without energy. */
export function energyMethod(e: ReportEntry): string | null {
  const energy = metricAt(e.entry, 'metrics.energy') as { method?: unknown; estimated?: unknown } | null | undefined;
  if (!energy || typeof energy !== 'object' || typeof energy.method !== 'string') return null;
  return energy.estimated === true && !/estimat/i.test(energy.method) ? `${energy.method} (estimated)` : energy.method;
}

/** `12.5%` for a cascade, `n/a (ensemble)`, `—` for a single model or an unknown rate. */
function escalationText(kind: string | null, rate: number | null): string {
  if (kind === 'ensemble') return 'n/a (ensemble)';
  return formatPercent(rate);
}

/**
 * Tooltip listing the identity fields and every metric; with `composite`, also the kind, stages,
 * threshold, signal and escalation rate.
 */
export function entryTooltip(metrics: readonly ChartMetric[], composite = false): StringFieldDef<string>[] {
  return [
    { field: 'label', title: 'entry' },
    ...(composite
      ? [
          { field: 'kind', title: 'kind' },
          { field: 'stages', title: 'stages' },
          { field: 'threshold', title: 'threshold' },
          { field: 'signal', title: 'signal' },
          { field: 'escalation', title: 'escalation rate' },
        ]
      : []),
    { field: 'model', title: 'model' },
    { field: 'quant', title: 'quantization' },
    { field: 'backend', title: 'backend' },
    { field: 'workload', title: 'workload' },
    { field: 'device', title: 'device' },
    { field: 'front', title: 'ranking' },
    ...metrics.map((m) => ({ field: fieldName(m.path), title: m.label, type: 'quantitative' as const, format: TOOLTIP_FORMAT })),
    ...(metrics.some((m) => m.path.startsWith('metrics.energy.')) ? [{ field: 'energyMethod', title: 'energy method' }] : []),
  ] as StringFieldDef<string>[];
}
