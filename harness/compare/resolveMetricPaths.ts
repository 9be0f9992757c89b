/**
 * Turns a metric name as written in a rule or `--metric` into the metric paths of entries:
 * - a path starting with `metrics.` is used as written (`metrics.quality.arc_easy.acc`);
 * - a dotted path is looked up under `metrics.` (`quality.arc_easy.acc`, `energy.joulesPerOutputToken`);
 * - a short name is `metrics.<name>` when an entry has it (`decodeTps`, `peakRssBytes`), else every
 *   metric of that name nested under `metrics` (`acc` → `metrics.quality.<task>.acc` for each task).
 * Only paths where some entry has a readable metric are returned, sorted.
 */
import { valueAt } from '../result/valueAt.js';
import { readMetric } from './readMetric.js';

/** Concrete metric paths for `name` over `entries` (empty when none has it). */
export function resolveMetricPaths(name: string, entries: readonly unknown[]): string[] {
  const has = (path: string) => entries.some((e) => readMetric(e, path) !== null);
  if (name.startsWith('metrics.')) return has(name) ? [name] : [];
  if (name.includes('.')) return has(`metrics.${name}`) ? [`metrics.${name}`] : [];
  if (has(`metrics.${name}`)) return [`metrics.${name}`];
  const found = new Set<string>();
  for (const entry of entries) collect(entry, valueAt(entry, ['metrics']), ['metrics'], name, found, 0);
  return [...found].sort();
}

/** Every metric path present in `entries` (for "did you mean" messages). */
export function listMetricPaths(entries: readonly unknown[]): string[] {
  const found = new Set<string>();
  for (const entry of entries) collect(entry, valueAt(entry, ['metrics']), ['metrics'], null, found, 0);
  return [...found].sort();
}

function collect(entry: unknown, value: unknown, path: string[], name: string | null, found: Set<string>, depth: number): void {
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 5) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = [...path, key];
    const joined = childPath.join('.');
    if (readMetric(entry, joined) !== null) {
      if (name === null || key === name) found.add(joined);
      continue; // a metric's own fields (median, stderr, …) are not metrics
    }
    collect(entry, child, childPath, name, found, depth + 1);
  }
}
