/**
 * Whether an entry says it cannot measure a metric (`metrics.notMeasured`, e.g. a `remote` model whose
 * memory and energy are the server's): such a metric is not applicable to the entry, neither a value nor
 * a missing one. Which metrics a `notMeasured` key (`memory`, `energy`) covers is the metric catalogue's
 * `resource` ({@link describeMetric}). Rankings, compare, gate and reports read metrics through
 * `resolveMetric`/`readMetric`, which return null for it, and `rankEntries` tells it apart from a missing
 * value with this function.
 */
import { describeMetric } from './describeMetric.js';

/**
 * The entry's reason for not measuring the metric at `path` (with or without the `metrics.` prefix), or
 * null when the entry measures it (or says nothing).
 */
export function notMeasuredReason(entry: unknown, path: string): string | null {
  if (!entry || typeof entry !== 'object') return null;
  const metrics = (entry as { metrics?: unknown }).metrics;
  if (!metrics || typeof metrics !== 'object') return null;
  const notMeasured = (metrics as { notMeasured?: unknown }).notMeasured;
  if (!notMeasured || typeof notMeasured !== 'object') return null;
  const resource = describeMetric(path).resource;
  if (resource === null) return null;
  const reason = (notMeasured as Record<string, unknown>)[resource];
  return typeof reason === 'string' ? reason : null;
}
