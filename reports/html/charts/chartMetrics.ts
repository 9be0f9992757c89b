/**
 * The metrics a report charts, in display order: the latency and throughput statistics, peak memory (and
 * GPU memory), energy per token, the share sent off the device (where some entry sends any), then every
 * quality metric found in the entries. Only metrics that some
 * ok entry has are listed.
 */
import { describeMetric, type MetricDescription } from '../../../harness/result/describeMetric.js';
import { resolveMetric } from '../../../harness/ranking/resolveMetric.js';
import { listMetricPaths } from '../../../harness/compare/resolveMetricPaths.js';
import { sendsDataOffDevice } from '../../../harness/result/sendsDataOffDevice.js';
import type { ReportEntry } from '../../buildReportModel.js';

/** A charted metric. */
export interface ChartMetric extends MetricDescription {
  /** Path in the entry, e.g. `metrics.decodeTps`. */
  path: string;
}

const BASE = [
  'decodeTps',
  'ttftMs',
  'coldTtftMs',
  'cachedTtftMs',
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
  // The privacy axis, where some entry sends data off the device (0 everywhere says nothing).
  if (ok.some((e) => sendsDataOffDevice(e.entry))) paths.push('metrics.privacy.dataLeavesDevice');
  // The rate over all requests and goodput, where some entry runs several requests together.
  if (ok.some((e) => (e.entry.workload.concurrency ?? 1) > 1)) paths.push('metrics.outputTps', 'metrics.concurrency.goodputRps');
  paths.push(...listMetricPaths(ok.map((e) => e.entry)).filter((p) => p.startsWith('metrics.quality.')));
  return paths
    .filter((path) => ok.some((e) => resolveMetric(e.entry, path) !== null))
    .map((path) => ({ path, ...describeMetric(path) }));
}
