/**
 * What makes entries one sweep family along a workload axis (depth, concurrency): everything that defines
 * the entry but that axis (model file, backend and options, the rest of the workload, device), as
 * canonical JSON; and the entry's label without the axis's suffix in its workload name.
 */
import type { EntryRecord } from '../harness/result/EntryRecord.js';
import { canonicalJson } from '../harness/util/stableHash.js';

/** The workload fields each axis owns (left out of the key) and its suffix in workload names. */
const AXES = {
  depth: { fields: ['depth'], suffix: /@d\d+/ },
  concurrency: { fields: ['concurrency', 'arrival', 'batchWindowMs'], suffix: /@c\d+(r[\d.]+)?(w[\d.]+)?/ },
} as const;

/** A sweep axis of workloads. */
export type WorkloadAxis = keyof typeof AXES;

export function workloadFamilyKey(entry: EntryRecord, device: string, axis: WorkloadAxis): string {
  const workload: Record<string, unknown> = { ...entry.workload };
  for (const field of ['name', 'promptTokenCount', ...AXES[axis].fields]) delete workload[field];
  const model = entry.model;
  return canonicalJson({ model: [model.spec, model.sha256 ?? null], backend: entry.backend.id, options: entry.backend.options, workload, device });
}

/** The label with the axis's suffix taken off its workload name (`pp64+tg64@d512` → `pp64+tg64`). */
export function labelWithout(label: string, workloadName: string, axis: WorkloadAxis): string {
  return label.replace(workloadName, workloadName.replace(AXES[axis].suffix, ''));
}
