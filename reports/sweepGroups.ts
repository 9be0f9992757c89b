/**
 * Sweeps along one workload axis (depth, concurrency): the ok entries that differ only in that axis (same
 * model file, backend and options, the rest of the workload, device), grouped in order of first
 * appearance, each group ordered by the axis's value (ties keep report order), and only groups with at
 * least two distinct values. Each group comes with the entries' label without the axis's suffix in its
 * workload name. What the depth and concurrency families are built on.
 */
import type { OkEntryRecord } from '../harness/result/EntryRecord.js';
import { canonicalJson } from '../harness/util/stableHash.js';
import type { ReportEntry } from './buildReportModel.js';

/** What grouping reads of an entry: a report's entries, or a run's records with their own labels. */
export type SweepSource = Pick<ReportEntry, 'entry' | 'label'> & { device: Pick<ReportEntry['device'], 'id'> };

/** Per axis: the workload fields it owns (left out of the key), its value (absent: the default), its suffix in names. */
const AXES = {
  depth: { fields: ['depth'], value: (r: OkEntryRecord) => r.workload.depth ?? 0, suffix: /@d\d+/ },
  concurrency: { fields: ['concurrency', 'arrival', 'batchWindowMs'], value: (r: OkEntryRecord) => r.workload.concurrency ?? 1, suffix: /@c\d+(r[\d.]+)?(w[\d.]+)?/ },
} as const;

/** A sweep axis of workloads. */
export type WorkloadAxis = keyof typeof AXES;

/** One group of a sweep: its label and its members, ordered by `value`. */
export interface SweepGroup<M> {
  label: string;
  members: Array<M & { value: number }>;
}

/**
 * @param member what a family keeps of an entry, or null to leave the entry out (it lacks a figure)
 */
export function sweepGroups<E extends SweepSource, M>(entries: readonly E[], axis: WorkloadAxis, member: (entry: E, record: OkEntryRecord) => M | null): SweepGroup<M>[] {
  const groups = new Map<string, Array<{ entry: E; m: M & { value: number } }>>();
  for (const entry of entries) {
    if (entry.entry.status !== 'ok') continue;
    const record = entry.entry as OkEntryRecord;
    const kept = member(entry, record);
    if (kept === null) continue;
    const key = familyKey(record, entry.device.id, axis);
    const list = groups.get(key) ?? [];
    list.push({ entry, m: { ...kept, value: AXES[axis].value(record) } });
    groups.set(key, list);
  }
  const out: SweepGroup<M>[] = [];
  for (const list of groups.values()) {
    if (new Set(list.map((x) => x.m.value)).size < 2) continue;
    const sorted = list.map((x, i) => ({ x, i })).sort((a, b) => a.x.m.value - b.x.m.value || a.i - b.i).map(({ x }) => x);
    const first = sorted[0]!.entry;
    const name = first.entry.workload.name;
    out.push({ label: first.label.replace(name, name.replace(AXES[axis].suffix, '')), members: sorted.map((x) => x.m) });
  }
  return out;
}

/** Everything that defines the entry but the axis, as canonical JSON. */
function familyKey(entry: OkEntryRecord, device: string, axis: WorkloadAxis): string {
  const workload: Record<string, unknown> = { ...entry.workload };
  for (const field of ['name', 'promptTokenCount', ...AXES[axis].fields]) delete workload[field];
  const model = entry.model;
  return canonicalJson({ model: [model.spec, model.sha256 ?? null], backend: entry.backend.id, options: entry.backend.options, workload, device });
}
