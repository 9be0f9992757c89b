/**
 * Depth sweeps: the ok entries that differ only in their workload's `depth` (same model, backend and
 * options, same prompt and generation length, same device), grouped into families of at least two depths
 * and ordered by depth. Per family: TTFT and TPOT at each depth (medians with their intervals), how fast
 * TPOT grows with depth (a least-squares slope in ms per 1000 tokens of depth), and, where the run judged
 * a latency budget, the largest depth up to which every depth measured meets it.
 */
import type { MeasuredStats, OkEntryRecord } from '../harness/result/EntryRecord.js';
import type { ReportEntry } from './buildReportModel.js';
import { labelWithout, workloadFamilyKey } from './workloadFamilyKey.js';

/** What grouping reads of an entry: a report's entries, or a run's records with their own labels. */
export type DepthSource = Pick<ReportEntry, 'entry' | 'label'> & { device: Pick<ReportEntry['device'], 'id'> };

/** One depth of a family. */
export interface DepthMember<E extends DepthSource = ReportEntry> {
  entry: E;
  depth: number;
  ttftMs: MeasuredStats;
  tpotMs: MeasuredStats | null;
  /** Whether the entry meets the run's latency budget; null when none was judged. */
  sloMet: boolean | null;
}

/** One depth sweep. */
export interface DepthFamily<E extends DepthSource = ReportEntry> {
  /** `depth-1`, `depth-2`, … in order of first appearance. */
  id: string;
  /** The entries' label without the depth: model, backend and options, workload, device where they vary. */
  label: string;
  /** Members ordered by depth. */
  members: DepthMember<E>[];
  /** TPOT's least-squares slope against depth, ms per 1000 tokens of depth; null with fewer than two TPOTs. */
  tpotSlopeMsPer1k: number | null;
  /**
   * The budget's name and the largest depth such that it and every smaller depth measured meet it; depth
   * null when even the smallest misses. Absent when no budget was judged.
   */
  slo?: { preset: string; maxDepth: number | null };
}

/** The report's depth families with at least two distinct depths. */
export function depthFamilies<E extends DepthSource>(entries: readonly E[]): DepthFamily<E>[] {
  const groups = new Map<string, DepthMember<E>[]>();
  for (const entry of entries) {
    if (entry.entry.status !== 'ok') continue;
    const record = entry.entry as OkEntryRecord;
    const key = workloadFamilyKey(entry.entry, entry.device.id, 'depth');
    const members = groups.get(key) ?? [];
    members.push({ entry, depth: record.workload.depth ?? 0, ttftMs: record.metrics.ttftMs, tpotMs: record.metrics.tpotMs, sloMet: record.metrics.slo?.met ?? null });
    groups.set(key, members);
  }
  const families: DepthFamily<E>[] = [];
  for (const members of groups.values()) {
    if (new Set(members.map((m) => m.depth)).size < 2) continue;
    const sorted = members.map((m, i) => ({ m, i })).sort((a, b) => a.m.depth - b.m.depth || a.i - b.i).map(({ m }) => m);
    const first = sorted[0]!;
    const preset = (first.entry.entry as OkEntryRecord).metrics.slo?.preset;
    families.push({
      id: `depth-${families.length + 1}`,
      label: labelWithout(first.entry.label, first.entry.entry.workload.name, 'depth'),
      members: sorted,
      tpotSlopeMsPer1k: slopePer1k(sorted.flatMap((m) => (m.tpotMs ? [[m.depth, m.tpotMs.median] as const] : []))),
      ...(preset !== undefined && sorted.every((m) => m.sloMet !== null) ? { slo: { preset, maxDepth: maxDepthMeeting(sorted) } } : {}),
    });
  }
  return families;
}

/** The largest depth such that it and every smaller one meet the budget. */
function maxDepthMeeting(sorted: readonly DepthMember<DepthSource>[]): number | null {
  let max: number | null = null;
  for (const m of sorted) {
    if (!m.sloMet) break;
    max = m.depth;
  }
  return max;
}

/** Least-squares slope of y on x, per 1000 of x; null with fewer than two distinct x. */
function slopePer1k(points: ReadonlyArray<readonly [number, number]>): number | null {
  if (new Set(points.map(([x]) => x)).size < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return (sxy / sxx) * 1000;
}
