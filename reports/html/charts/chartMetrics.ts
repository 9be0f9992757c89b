/**
 * The metrics a report charts, in display order: the latency and throughput statistics, peak memory (and
 * GPU memory), energy per token, then every quality metric found in the entries. Only metrics that some
 * ok entry has are listed.
 */
import { describeMetric, type MetricDescription } from '../../../harness/result/describeMetric.js';
import { metricAt, resolveMetric, toMetricValue } from '../../../harness/ranking/resolveMetric.js';
import type { ReportEntry } from '../../buildReportModel.js';

/** A charted metric. */
export interface ChartMetric extends MetricDescription {
  /** Path in the entry, e.g. `metrics.decodeTps`. */
  path: string;
}

const BASE = [
  'decodeTps',
  'ttftMs',
  'prefillTps',
  'tpotMs',
  'e2eMs',
  'loadMs',
  'peakRssBytes',
  'gpuMemoryBytes',
  'energy.joulesPerOutputToken',
  'energy.joulesPerTotalToken',
];

export function chartMetrics(entries: readonly ReportEntry[]): ChartMetric[] {
  const ok = entries.filter((e) => e.entry.status === 'ok');
  const paths = BASE.map((m) => `metrics.${m}`);
  const quality = new Set<string>();
  for (const e of ok) collectLeaves(metricAt(e.entry, 'metrics.quality'), 'metrics.quality', quality);
  paths.push(...[...quality].sort());
  return paths
    .filter((path) => ok.some((e) => resolveMetric(e.entry, path) !== null))
    .map((path) => ({ path, ...describeMetric(path) }));
}

/** Paths of the values (anything {@link resolveMetric} reads) under `value`. */
function collectLeaves(value: unknown, prefix: string, out: Set<string>): void {
  if (value === null || value === undefined) return;
  if (toMetricValue(value) !== null) {
    out.add(prefix);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) collectLeaves(v, `${prefix}.${k}`, out);
}
