/**
 * Concurrency sweeps: the ok entries that differ only in their workload's `concurrency` (and its arrival
 * and window), grouped into families of at least two concurrencies and ordered by it. Per member: the
 * output rate over all requests, each request's TTFT and TPOT, goodput where a budget was judged, and how
 * the backend batched; per family the output-rate gain from the fewest to the most requests.
 */
import type { EntryConcurrency, MeasuredStats } from '../harness/result/EntryRecord.js';
import type { ReportEntry } from './buildReportModel.js';
import { sweepGroups, type SweepSource } from './sweepGroups.js';

/** One concurrency of a family. */
export interface ConcurrencyMember<E extends SweepSource = ReportEntry> {
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
export interface ConcurrencyFamily<E extends SweepSource = ReportEntry> {
  /** `concurrency-1`, … in order of first appearance. */
  id: string;
  /** The entries' label without the concurrency. */
  label: string;
  /** Members ordered by concurrency. */
  members: ConcurrencyMember<E>[];
  /** Output rate of the most requests ÷ that of the fewest (medians). */
  gain: number;
}

export function concurrencyFamilies<E extends SweepSource>(entries: readonly E[]): ConcurrencyFamily<E>[] {
  const groups = sweepGroups(entries, 'concurrency', (entry, record) => {
    const outputTps = record.metrics.outputTps;
    if (!outputTps) return null;
    const c = record.metrics.concurrency;
    return { entry, outputTps, ttftMs: record.metrics.ttftMs, tpotMs: record.metrics.tpotMs, batching: c?.batching ?? ('single' as const), goodputRps: c?.goodputRps ?? null };
  });
  return groups.map(({ label, members }, i) => {
    const sorted = members.map(({ value, ...m }) => ({ ...m, concurrency: value }));
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    return {
      id: `concurrency-${i + 1}`,
      label,
      members: sorted,
      gain: first.outputTps.median > 0 ? last.outputTps.median / first.outputTps.median : Number.NaN,
    };
  });
}
