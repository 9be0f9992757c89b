/**
 * The `composite` section of a composite entry's record (`cascade`, `ensemble`): its stages, and for the
 * measured loop and the accuracy tasks separately, how many requests each stage answered (the cascade's
 * escalation rate) with the latency, CPU time and energy of each branch. The composite backends build it
 * (`adapters/composite-common/compositeSummary.ts`); reports read it.
 *
 * Energy per branch is apportioned, not measured: the measured loop's energy (whatever its method) is
 * divided by the CPU time of the loop's requests, and each branch is charged that rate for its own CPU
 * time. The figure is therefore always `estimated`, and labelled with the method it was apportioned from.
 */
import type { Stats } from '../stats/summarize.js';

/** One stage of a composite as its record lists it. */
export interface CompositeStageRecord {
  name: string;
  backend: string;
  /** Versions of the stage backend's packages. */
  versions: Record<string, string>;
  resolvedOptions: Record<string, unknown>;
  device: string;
  vocabSize: number;
  /** True when no local process holds the stage's model (served over HTTP): its memory and energy are not measured. */
  remote: boolean;
}

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
  /**
   * What stayed on the device: the share of requests answered by a local stage (not `remote`), and the share
   * of their prompt tokens (null where requests did not record them). An ensemble's requests are local when
   * every stage is. 1 for a composite without a served stage. Absent in results written before it was recorded.
   */
  local?: { requests: number; promptTokens: number | null };
}

/** A composite entry's own section of its record. */
export interface EntryComposite {
  kind: 'cascade' | 'ensemble';
  /** Stages in order: model name, backend, what each resolved. */
  stages: CompositeStageRecord[];
  /** Requests of the measured loop, every process together (one prompt: every request takes the same branch). */
  measured: CompositePhase;
  /** Requests of the accuracy tasks (generation and scoring, many prompts); null when no task ran. */
  tasks: CompositePhase | null;
  /**
   * Whose vocabulary `outputs.tokenIds` are in: the stage that answered the measured loop (an escalated
   * cascade answers in its later stage's ids, which `model.vocabSize`, stage 0's, does not describe) and
   * that stage's vocabulary size. An ensemble's stages share stage 0's. Absent in results written before it
   * was recorded, or without a measured request.
   */
  outputs?: { stage: number; name: string; vocabSize: number };
  /** How branch energy was obtained, e.g. `apportioned by CPU time from estimate (cpu-time × W/core + memory)`; null without energy. */
  energyMethod: string | null;
  /** Always true where there is a figure: apportioning is a model. */
  energyEstimated: true;
}
