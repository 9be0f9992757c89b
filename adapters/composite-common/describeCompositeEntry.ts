/**
 * The record sections of a composite entry (`cascade`, `ensemble`), from what its worker processes
 * reported: the `composite` section ({@link compositeSummary}: the measured loops' requests of every
 * process together, the accuracy tasks' requests of the process that ran them) and, for a cascade, the
 * `escalationRate` metric (over the accuracy tasks' requests when tasks ran, else over the measured loop's)
 * and the privacy axis over the same requests (`metrics.privacy`: the share a served stage answered).
 */
import type { EntryDescription, EntryDescriptionInput } from '../types.js';
import type { CompositeModelInfo, CompositePhaseReport } from './CompositeModelInfo.js';
import { compositeSummary } from './compositeSummary.js';

export function describeCompositeEntry(kind: CompositeModelInfo['kind'], input: EntryDescriptionInput): EntryDescription {
  const reports = input.processes.map((p) => p.phases as Partial<Record<'measured' | 'quality', CompositePhaseReport>>);
  const stages = reports.find((r) => r.measured)?.measured?.stages ?? [];
  const measured = reports.flatMap((r) => r.measured?.requests ?? []);
  const tasks = reports[0]?.quality ? reports[0].quality.requests : null;
  const composite = compositeSummary({ kind, stages }, measured, tasks, input.energy);
  // Privacy over the same requests as the escalation rate: the share not answered on the device.
  const phase = composite.tasks ?? composite.measured;
  const served = composite.stages.some((s) => s.remote);
  const privacy = phase.local
    ? {
        dataLeavesDevice: 1 - phase.local.requests,
        promptTokensLeaveDevice: phase.local.promptTokens === null ? null : 1 - phase.local.promptTokens,
        method: served ? `measured: the share of ${composite.tasks ? "the accuracy tasks'" : "the measured loop's"} requests a served stage answered` : 'local: every stage runs on this device',
      }
    : null;
  return {
    record: { composite },
    metrics: {
      ...(kind === 'cascade' ? { escalationRate: phase.escalationRate } : {}),
      ...(privacy ? { privacy } : {}),
    },
  };
}
