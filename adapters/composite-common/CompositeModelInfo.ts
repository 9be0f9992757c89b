/**
 * What a composite model (`cascade`, `ensemble`) keeps of itself beside its `info`: its stages as its
 * record lists them, and a log of every request it served. `endPhase` hands the log over phase by phase
 * (`describeCompositeEntry` turns it into the record's `composite` section).
 */
import type { CompositeStageRecord } from '../../harness/result/EntryComposite.js';

/** A composite model's stages and request log. */
export interface CompositeModelInfo {
  kind: 'cascade' | 'ensemble';
  /** Stages in order, with what each loaded model reported. */
  stages: CompositeStageRecord[];
  /** Every request served, in order: one per `generate` call and one per `score` call. */
  requests: CompositeRequest[];
}

/** One request a composite model served. */
export interface CompositeRequest {
  kind: 'generate' | 'score';
  /**
   * Index of the stage whose answer was used (cascade: 0 when not escalated); -1 for an ensemble, where
   * every stage contributes to every token.
   */
  stage: number;
  /**
   * Cascade: the confidence of each stage consulted before the answering one (stage order; the answering
   * stage's own signal last when it is not the final stage). Empty for an ensemble.
   */
  signals: number[];
  /** Whether this request's decision came from a cache (score calls sharing a context). */
  cached: boolean;
  /** Wall-clock time of the request (ms). */
  ms: number;
  /** CPU time this process spent during the request (ms, user + system, all threads). */
  cpuMs: number;
  /** Tokens of the request's prompt (scoring: context + continuation), in stage 0's ids. Absent where not recorded. */
  promptTokens?: number;
}

/** What a composite model's `endPhase` returns: its stages and the requests served since the last call. */
export interface CompositePhaseReport {
  stages: CompositeStageRecord[];
  requests: CompositeRequest[];
}
