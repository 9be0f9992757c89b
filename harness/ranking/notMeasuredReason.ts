/**
 * Whether an entry says it cannot measure a metric (`metrics.notMeasured`, e.g. a `remote` model whose
 * memory and energy are the server's): such a metric is not applicable to the entry, neither a value nor
 * a missing one. Rankings and reports read it through `resolveMetric` (which returns null for it), and
 * `rankEntries` tells it apart from a missing value with this function.
 */

/** Metrics (under `metrics.`) covered by each `notMeasured` key; a name covers its sub-fields too. */
const COVERED: Readonly<Record<string, readonly string[]>> = {
  memory: ['peakRssBytes', 'peakRssSampledBytes', 'rssAfterLoadBytes', 'rssBeforeLoadBytes', 'modelResidentBytes', 'gpuMemoryBytes'],
  energy: ['energy'],
};

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
  const name = path.startsWith('metrics.') ? path.slice('metrics.'.length) : path;
  for (const [key, reason] of Object.entries(notMeasured as Record<string, unknown>)) {
    if (typeof reason !== 'string') continue;
    if ((COVERED[key] ?? []).some((m) => name === m || name.startsWith(`${m}.`))) return reason;
  }
  return null;
}
