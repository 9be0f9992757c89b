/**
 * What a composite entry (`cascade`, `ensemble`) adds to its record: the stages, and for the measured
 * loop and the accuracy tasks separately, how many requests each stage answered (the cascade's escalation
 * rate) with the latency, CPU time and energy of each branch.
 *
 * Energy per branch is apportioned, not measured: the measured loop's energy (whatever its method) is
 * divided by the CPU time of the loop's requests, and each branch is charged that rate for its own CPU
 * time. The figure is therefore always `estimated`, and labelled with the method it was apportioned from.
 */
import type { CompositeModelInfo, CompositeRequest } from '../../adapters/types.js';
import { summarize, type Stats } from '../stats/summarize.js';

/** Requests answered by one stage (cascade), or every request (ensemble, `stage` −1). */
export interface CompositeBranch {
  /** Answering stage (0 = the first model); −1 for an ensemble, where every stage takes part. */
  stage: number;
  /** The answering stage's model name, or the ensemble's stage names joined with ` + `. */
  name: string;
  requests: number;
  /** Share of all requests of the phase. */
  share: number;
  /** Wall-clock time per request (ms), probes of earlier stages included. */
  ms: Stats;
  /** CPU time of the worker per request (ms, all threads). */
  cpuMs: Stats;
  /**
   * Joules per request of this branch: the loop's joules per CPU-millisecond × the branch's mean CPU
   * time; null without an energy reading or CPU time.
   */
  joulesPerRequest: number | null;
}

/** The requests of one phase (the measured loop, or the accuracy tasks). */
export interface CompositePhase {
  requests: number;
  /** Cascade: requests answered by a later stage than the first; null for an ensemble. */
  escalated: number | null;
  /** `escalated ÷ requests`; null for an ensemble or without requests. */
  escalationRate: number | null;
  /** Score requests whose decision came from the cache (several choices of one question share it). */
  cachedDecisions: number;
  branches: CompositeBranch[];
}

/** A composite entry's own section of its record. */
export interface EntryComposite {
  kind: CompositeModelInfo['kind'];
  /** Stages in order: model name, backend, what each resolved. */
  stages: CompositeModelInfo['stages'];
  /** Requests of the measured loop, every process together (one prompt: every request takes the same branch). */
  measured: CompositePhase;
  /** Requests of the accuracy tasks (generation and scoring, many prompts); null when no task ran. */
  tasks: CompositePhase | null;
  /** How branch energy was obtained, e.g. `apportioned by CPU time from estimate (cpu-time × W/core + memory)`; null without energy. */
  energyMethod: string | null;
  /** Always true where there is a figure: apportioning is a model. */
  energyEstimated: true;
}

/**
 * @param info what the loaded composite reported (its `requests` are ignored: the phases come apart)
 * @param measured the measured loop's requests
 * @param tasks the accuracy tasks' requests, or null when none ran
 * @param energy the measured loop's joules and their method, or null
 */
export function compositeSummary(
  info: CompositeModelInfo,
  measured: readonly CompositeRequest[],
  tasks: readonly CompositeRequest[] | null,
  energy: { joules: number; method: string } | null,
): EntryComposite {
  const loopCpuMs = measured.reduce((n, r) => n + r.cpuMs, 0);
  const joulesPerCpuMs = energy && loopCpuMs > 0 ? energy.joules / loopCpuMs : null;
  return {
    kind: info.kind,
    stages: info.stages,
    measured: phase(info, measured, joulesPerCpuMs),
    tasks: tasks && tasks.length ? phase(info, tasks, joulesPerCpuMs) : null,
    energyMethod: joulesPerCpuMs === null ? null : `apportioned by CPU time from ${energy!.method}`,
    energyEstimated: true,
  };
}

function phase(info: CompositeModelInfo, requests: readonly CompositeRequest[], joulesPerCpuMs: number | null): CompositePhase {
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
  return {
    requests: requests.length,
    escalated,
    escalationRate: escalated !== null && requests.length ? escalated / requests.length : null,
    cachedDecisions: requests.filter((r) => r.cached).length,
    branches,
  };
}
