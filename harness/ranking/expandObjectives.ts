/**
 * Expands `*` segments of objective paths against the entries and drops objectives that no entry has.
 */
import type { Objective } from './Objective.js';
import type { SkippedObjective } from './Ranking.js';
import { metricAt, resolveMetric } from './resolveMetric.js';

/** An objective after expansion: a concrete metric path. */
export interface ExpandedObjective extends Objective {
  /** The pattern or shorthand it came from, when different from `metric`. */
  requested?: string;
}

/**
 * Concrete objectives for `entries`, in the order requested (a pattern's matches sorted by path), without
 * duplicates; and the objectives skipped because no entry has a value for them (or a pattern matched
 * nothing). A path whose first segment is not an entry field is written out as `metrics.<path>`.
 */
export function expandObjectives(
  objectives: readonly Objective[],
  entries: readonly unknown[],
): { used: ExpandedObjective[]; skipped: SkippedObjective[] } {
  const used: ExpandedObjective[] = [];
  const skipped: SkippedObjective[] = [];
  const seen = new Set<string>();
  for (const objective of objectives) {
    const paths = objective.metric.includes('*') ? matchPattern(objective.metric, entries) : [canonicalPath(objective.metric, entries)];
    if (paths.length === 0) {
      skipped.push({ metric: objective.metric, direction: objective.direction, reason: `no entry has a metric matching ${objective.metric}` });
      continue;
    }
    for (const path of paths) {
      if (seen.has(path)) continue;
      if (!entries.some((e) => resolveMetric(e, path) !== null)) {
        skipped.push({ metric: path, direction: objective.direction, reason: `no ranked entry has ${path}` });
        continue;
      }
      seen.add(path);
      used.push({
        metric: path,
        direction: objective.metric.includes('*') ? (recordedDirection(entries, path) ?? objective.direction) : objective.direction,
        ...(objective.label !== undefined ? { label: objective.label } : {}),
        ...(path !== objective.metric ? { requested: objective.metric } : {}),
      });
    }
  }
  return { used, skipped };
}

/** The direction the metric records itself (`higherIsBetter`), when every entry that has it agrees. */
function recordedDirection(entries: readonly unknown[], path: string): 'max' | 'min' | null {
  const recorded = new Set(
    entries
      .map((e) => metricAt(e, path))
      .filter((v): v is { higherIsBetter: boolean } => !!v && typeof v === 'object' && typeof (v as { higherIsBetter?: unknown }).higherIsBetter === 'boolean')
      .map((v) => v.higherIsBetter),
  );
  return recorded.size === 1 ? ([...recorded][0] ? 'max' : 'min') : null;
}

/** `decodeTps` → `metrics.decodeTps` unless some entry has a field named like the first segment. */
function canonicalPath(path: string, entries: readonly unknown[]): string {
  if (path.startsWith('metrics.')) return path;
  const first = path.split('.')[0]!;
  return entries.some((e) => e !== null && typeof e === 'object' && first in (e as object)) ? path : `metrics.${path}`;
}

/** Concrete paths matching a pattern with `*` segments, over every entry. */
function matchPattern(pattern: string, entries: readonly unknown[]): string[] {
  const parts = pattern.split('.');
  const found = new Set<string>();
  const visit = (value: unknown, index: number, prefix: string[]): void => {
    if (index === parts.length) {
      if (value !== undefined) found.add(prefix.join('.'));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const part = parts[index]!;
    const record = value as Record<string, unknown>;
    const keys = part === '*' ? Object.keys(record) : part in record ? [part] : [];
    for (const key of keys) visit(record[key], index + 1, [...prefix, key]);
  };
  const rooted = parts[0] === 'metrics' || parts[0] === '*' ? parts : null;
  for (const entry of entries) {
    if (rooted) visit(entry, 0, []);
    else {
      const metrics = (entry as Record<string, unknown> | null)?.metrics;
      const before = found.size;
      visit(entry, 0, []);
      if (found.size === before) visit(metrics, 0, ['metrics']);
    }
  }
  return [...found].sort();
}
