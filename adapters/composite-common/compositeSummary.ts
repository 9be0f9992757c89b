/**
 * What a composite entry (`cascade`, `ensemble`) adds to its record: the stages, and for the measured
 * loop and the accuracy tasks separately, how many requests each stage answered (the cascade's escalation
 * rate) with the latency, CPU time and energy of each branch.
 *
 * Energy per branch is apportioned, not measured: the measured loop's energy (whatever its method) is
 * divided by the CPU time of the loop's requests, and each branch is charged that rate for its own CPU
 * time. The figure is therefore always `estimated`, and labelled with the method it was apportioned from.
 */
import type { CompositeBranch, CompositePhase, CompositeStageRecord, EntryComposite } from '../../harness/result/EntryComposite.js';
import { summarize } from '../../harness/stats/summarize.js';
import type { CompositeModelInfo, CompositeRequest } from './CompositeModelInfo.js';

/**
 * @param info the composite's kind and stages (its `requests` are ignored: the phases come apart)
 * @param measured the measured loop's requests
 * @param tasks the accuracy tasks' requests, or null when none ran
 * @param energy the measured loop's joules and their method, or null
 */
export function compositeSummary(
  info: Pick<CompositeModelInfo, 'kind' | 'stages'>,
  measured: readonly CompositeRequest[],
  tasks: readonly CompositeRequest[] | null,
  energy: { joules: number; method: string } | null,
): EntryComposite {
  const loopCpuMs = measured.reduce((n, r) => n + r.cpuMs, 0);
  const joulesPerCpuMs = energy && loopCpuMs > 0 ? energy.joules / loopCpuMs : null;
  // One prompt: every measured request takes the same branch; the last one gave the recorded outputs.
  const answered = measured.length ? Math.max(0, measured[measured.length - 1]!.stage) : null;
  const answering = answered === null ? undefined : info.stages[answered];
  return {
    kind: info.kind,
    stages: info.stages,
    measured: phase(info, measured, joulesPerCpuMs),
    tasks: tasks && tasks.length ? phase(info, tasks, joulesPerCpuMs) : null,
    ...(answering ? { outputs: { stage: answered!, name: answering.name, vocabSize: answering.vocabSize } } : {}),
    energyMethod: joulesPerCpuMs === null ? null : `apportioned by CPU time from ${energy!.method}`,
    energyEstimated: true,
  };
}

function phase(info: { kind: CompositeModelInfo['kind']; stages: readonly CompositeStageRecord[] }, requests: readonly CompositeRequest[], joulesPerCpuMs: number | null): CompositePhase {
  const stages = [...new Set(requests.map((r) => r.stage))].sort((a, b) => a - b);
  const branches = stages.map((stage): CompositeBranch => {
    const mine = requests.filter((r) => r.stage === stage);
    const cpu = summarize(mine.map((r) => r.cpuMs))!;
    return {
      stage,
      name: stage >= 0 ? (info.stages[stage]?.name ?? `stage ${stage}`) : info.stages.map((s) => s.name).join(' + '),
      requests: mine.length,
      share: mine.length / requests.length,
      ms: summarize(mine.map((r) => r.ms))!,
      cpuMs: cpu,
      joulesPerRequest: joulesPerCpuMs === null ? null : joulesPerCpuMs * cpu.mean,
    };
  });
  const cascade = info.kind === 'cascade';
  const escalated = cascade ? requests.filter((r) => r.stage > 0).length : null;
  const remote = (stage: number) => (stage >= 0 ? info.stages[stage]?.remote === true : info.stages.some((s) => s.remote));
  const local = requests.filter((r) => !remote(r.stage));
  const tokens = (list: readonly CompositeRequest[]) => list.reduce((n, r) => n + (r.promptTokens ?? 0), 0);
  const counted = requests.length > 0 && requests.every((r) => r.promptTokens !== undefined) && tokens(requests) > 0;
  return {
    requests: requests.length,
    escalated,
    escalationRate: escalated !== null && requests.length ? escalated / requests.length : null,
    cachedDecisions: requests.filter((r) => r.cached).length,
    branches,
    ...(requests.length ? { local: { requests: local.length / requests.length, promptTokens: counted ? tokens(local) / tokens(requests) : null } } : {}),
  };
}
