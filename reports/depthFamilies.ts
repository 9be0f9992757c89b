/**
 * Depth sweeps: the ok entries that differ only in their workload's `depth` (same model, backend and
 * options, same prompt and generation length, same device), grouped into families of at least two depths
 * and ordered by depth. Per family: TTFT and TPOT at each depth (medians with their intervals), how fast
 * TPOT grows with depth (a least-squares slope in ms per 1000 tokens of depth), and, where the run judged
 * a latency budget, the largest depth up to which every depth measured meets it.
 */
import type { MeasuredStats, OkEntryRecord } from '../harness/result/EntryRecord.js';
import type { ReportEntry } from './buildReportModel.js';
import { sweepGroups, type SweepSource } from './sweepGroups.js';

/** One depth of a family. */
export interface DepthMember<E extends SweepSource = ReportEntry> {
  entry: E;
  depth: number;
  ttftMs: MeasuredStats;
  tpotMs: MeasuredStats | null;
  /** Whether the entry meets the run's latency budget; null when none was judged. */
  sloMet: boolean | null;
}

/** One depth sweep. */
export interface DepthFamily<E extends SweepSource = ReportEntry> {
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
export function depthFamilies<E extends SweepSource>(entries: readonly E[]): DepthFamily<E>[] {
  const groups = sweepGroups(entries, 'depth', (entry, record) => ({ entry, ttftMs: record.metrics.ttftMs, tpotMs: record.metrics.tpotMs, sloMet: record.metrics.slo?.met ?? null }));
  return groups.map(({ label, members }, i) => {
    const sorted = members.map(({ value, ...m }) => ({ ...m, depth: value }));
    const preset = (sorted[0]!.entry.entry as OkEntryRecord).metrics.slo?.preset;
    return {
      id: `depth-${i + 1}`,
      label,
      members: sorted,
      tpotSlopeMsPer1k: slopePer1k(sorted.flatMap((m) => (m.tpotMs ? [[m.depth, m.tpotMs.median] as const] : []))),
      ...(preset !== undefined && sorted.every((m) => m.sloMet !== null) ? { slo: { preset, maxDepth: maxDepthMeeting(sorted) } } : {}),
    };
  });
}

/** The largest depth such that it and every smaller one meet the budget. */
function maxDepthMeeting(sorted: readonly DepthMember<SweepSource>[]): number | null {
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
