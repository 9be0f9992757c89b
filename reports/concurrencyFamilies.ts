/**
 * Concurrency sweeps: the ok entries that differ only in their workload's `concurrency` (and its arrival
 * and window), grouped into families of at least two concurrencies and ordered by it. Per member: the
 * output rate over all requests, each request's TTFT and TPOT, goodput where a budget was judged, and how
 * the backend batched; per family the output-rate gain from the fewest to the most requests.
 */
import type { EntryConcurrency, MeasuredStats, OkEntryRecord } from '../harness/result/EntryRecord.js';
import type { ReportEntry } from './buildReportModel.js';
import type { DepthSource } from './depthFamilies.js';
import { labelWithout, workloadFamilyKey } from './workloadFamilyKey.js';

/** One concurrency of a family. */
export interface ConcurrencyMember<E extends DepthSource = ReportEntry> {
  entry: E;
  concurrency: number;
  outputTps: MeasuredStats;
  ttftMs: MeasuredStats;
  tpotMs: MeasuredStats | null;
  /** How the requests shared the model (`single` for one request). */
  batching: EntryConcurrency['batching'] | 'single';
  goodputRps: number | null;
}

/** One concurrency sweep. */
export interface ConcurrencyFamily<E extends DepthSource = ReportEntry> {
  /** `concurrency-1`, … in order of first appearance. */
  id: string;
  /** The entries' label without the concurrency. */
  label: string;
  /** Members ordered by concurrency. */
  members: ConcurrencyMember<E>[];
  /** Output rate of the most requests ÷ that of the fewest (medians). */
  gain: number;
}

export function concurrencyFamilies<E extends DepthSource>(entries: readonly E[]): ConcurrencyFamily<E>[] {
  const groups = new Map<string, ConcurrencyMember<E>[]>();
  for (const entry of entries) {
    if (entry.entry.status !== 'ok') continue;
    const record = entry.entry as OkEntryRecord;
    const outputTps = record.metrics.outputTps;
    if (!outputTps) continue;
    const key = workloadFamilyKey(record, entry.device.id, 'concurrency');
    const members = groups.get(key) ?? [];
    const c = record.metrics.concurrency;
    members.push({
      entry,
      concurrency: record.workload.concurrency ?? 1,
      outputTps,
      ttftMs: record.metrics.ttftMs,
      tpotMs: record.metrics.tpotMs,
      batching: c?.batching ?? 'single',
      goodputRps: c?.goodputRps ?? null,
    });
    groups.set(key, members);
  }
  const families: ConcurrencyFamily<E>[] = [];
  for (const members of groups.values()) {
    if (new Set(members.map((m) => m.concurrency)).size < 2) continue;
    const sorted = members.map((m, i) => ({ m, i })).sort((a, b) => a.m.concurrency - b.m.concurrency || a.i - b.i).map(({ m }) => m);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    families.push({
      id: `concurrency-${families.length + 1}`,
      label: labelWithout(first.entry.label, first.entry.entry.workload.name, 'concurrency'),
      members: sorted,
      gain: first.outputTps.median > 0 ? last.outputTps.median / first.outputTps.median : Number.NaN,
    });
  }
  return families;
}
