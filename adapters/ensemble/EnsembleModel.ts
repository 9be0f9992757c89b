/**
 * A loaded ensemble: every request opens a decode session on every stage; at each position the stages'
 * distributions are combined ({@link combineLogprobs}) and the combined argmax (ties to the lowest id) is
 * the token, pushed to every stage in turn. `info` (vocabulary, BOS, EOS, `tokenize`, `detokenize`) is
 * stage 0's; the stages share the vocabulary (checked at load).
 */
import { WorkloadError } from '../../harness/errors.js';
import { argmax } from '../common/argmax.js';
import { checkTokenIds } from '../common/checkTokenIds.js';
import type { LoadedStages } from '../composite-common/LoadedStages.js';
import { startRequestClock } from '../composite-common/startRequestClock.js';
import type { DecodeSession, GenerateRequest, LoadedModel, RuntimeModelInfo, ScoreResult, TokenEvent, WorkPhase } from '../types.js';
import type { CompositeModelInfo, CompositePhaseReport, CompositeRequest } from '../composite-common/CompositeModelInfo.js';
import { CompositeRequestLog } from '../composite-common/CompositeRequestLog.js';
import { combineLogprobs, type CombineMode } from './combineLogprobs.js';

/** The ensemble's resolved settings. */
export interface EnsembleSettings {
  combine: CombineMode;
  /** One per stage, summing to 1. */
  weights: number[];
}

export class EnsembleModel implements LoadedModel {
  readonly info: RuntimeModelInfo;
  /** The stages and every request served (the record's `composite` section is built from it). */
  readonly #log: CompositeRequestLog;
  readonly #stages: LoadedStages;
  readonly #settings: EnsembleSettings;
  readonly #eos: ReadonlySet<number>;
  /** The combined distribution of the current position (reused). */
  readonly #combined: Float64Array;

  constructor(stages: LoadedStages, settings: EnsembleSettings) {
    this.#stages = stages;
    this.#settings = settings;
    const first = stages.at(0).model.info;
    this.info = stages.runtimeInfo({ combine: settings.combine, weights: settings.weights }, 'stream');
    this.#log = new CompositeRequestLog('ensemble', stages);
    this.#eos = new Set(first.eosTokenIds);
    this.#combined = new Float64Array(first.vocabSize);
  }

  /** Stage 0's tokenizer. */
  tokenize(text: string, options: { addBos: boolean }): Promise<number[]> {
    return this.#stages.at(0).model.tokenize(text, options);
  }

  /** Stage 0's tokenizer. */
  detokenize(tokenIds: number[]): Promise<string> {
    return this.#stages.at(0).model.detokenize(tokenIds);
  }

  async *generate(request: GenerateRequest): AsyncGenerator<TokenEvent> {
    const { promptTokenIds, maxNewTokens, ignoreEos } = request;
    if (promptTokenIds.length === 0) throw new WorkloadError('generate: the prompt must hold at least one token (BOS)');
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new WorkloadError(`generate: maxNewTokens must be a whole number ≥ 0, got ${maxNewTokens}`);
    const clock = startRequestClock();
    const sessions: DecodeSession[] = [];
    try {
      if (maxNewTokens === 0) return;
      await this.#open(sessions, promptTokenIds);
      let token = -1;
      for (let produced = 0; produced < maxNewTokens; produced++) {
        if (produced > 0) for (const session of sessions) await session.push(token);
        const combined = this.#combine(sessions);
        token = argmax(combined, 0, combined.length);
        const time = performance.now();
        yield { tokenIds: [token], time };
        if (!ignoreEos && this.#eos.has(token)) return;
      }
    } finally {
      await closeAll(sessions);
      this.#record('generate', promptTokenIds.length, clock());
    }
  }

  /**
   * The combined log-probability of each continuation token, from every stage's decode session run over
   * context + continuation; greedy when every token is the combined argmax at its position.
   */
  async score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    if (contextTokenIds.length === 0) throw new WorkloadError('score: the context must hold at least one token (BOS)');
    checkTokenIds('score', [...contextTokenIds, ...continuationTokenIds], 0, this.info);
    const clock = startRequestClock();
    const sessions: DecodeSession[] = [];
    try {
      const logprobs: number[] = [];
      let isGreedy = true;
      if (continuationTokenIds.length > 0) await this.#open(sessions, contextTokenIds);
      for (const [i, token] of continuationTokenIds.entries()) {
        if (i > 0) for (const session of sessions) await session.push(continuationTokenIds[i - 1]!);
        const combined = this.#combine(sessions);
        logprobs.push(combined[token]!);
        isGreedy &&= argmax(combined, 0, combined.length) === token;
      }
      return { logprobs, isGreedy };
    } finally {
      await closeAll(sessions);
      this.#record('score', contextTokenIds.length + continuationTokenIds.length, clock());
    }
  }

  async dispose(): Promise<void> {
    await this.#stages.dispose();
  }

  /** Opens a session on every stage, one after another, into `sessions` (so that a failure closes those opened). */
  async #open(sessions: DecodeSession[], promptTokenIds: number[]): Promise<void> {
    for (const stage of this.#stages.list) sessions.push(await stage.model.openSession!(promptTokenIds));
  }

  #combine(sessions: readonly DecodeSession[]): Float64Array {
    return combineLogprobs(
      sessions.map((s) => s.logprobs),
      this.#settings.weights,
      this.#settings.combine,
      this.#combined,
    );
  }

  #record(kind: CompositeRequest['kind'], promptTokens: number, times: { ms: number; cpuMs: number }): void {
    this.#log.record({ kind, stage: -1, signals: [], cached: false, ms: times.ms, cpuMs: times.cpuMs, promptTokens });
  }

  /** The stages and every request served so far. */
  get composite(): CompositeModelInfo {
    return this.#log.info;
  }

  /** The stages and the requests served since the last phase ended. */
  endPhase(_phase: WorkPhase): CompositePhaseReport {
    return this.#log.endPhase();
  }
}

async function closeAll(sessions: readonly DecodeSession[]): Promise<void> {
  for (const session of sessions) await session.close().catch(() => undefined);
}
