/**
 * A loaded cascade: routes each request to the first stage confident enough in its answer (see
 * `index.ts` for the options). Greedy decoding of the probing stages runs over their decode sessions
 * (argmax of the whole next-token distribution, ties to the lowest id); the last stage answers with its
 * own `generate` and `score`.
 *
 * Stages whose vocabulary differs from stage 0's get the prompt (or scoring context) as text: stage 0
 * detokenizes the ids (without its BOS) and the stage tokenizes that text with BOS. Their answers are in
 * their own token ids, which `detokenize` turns into text with that stage's tokenizer (the cascade
 * remembers recent answers per stage to tell whose ids it is given). `info` (vocabulary size, BOS, EOS,
 * `tokenize`) is stage 0's.
 */
import type { z } from 'zod';
import { WorkloadError } from '../../harness/errors.js';
import { argmax } from '../common/argmax.js';
import { compareVocabularies } from '../composite-common/compareVocabularies.js';
import type { CompositeStage, LoadedStages } from '../composite-common/LoadedStages.js';
import { startRequestClock } from '../composite-common/startRequestClock.js';
import type { CompositeModelInfo, CompositePhaseReport, CompositeRequest } from '../composite-common/CompositeModelInfo.js';
import { CompositeRequestLog } from '../composite-common/CompositeRequestLog.js';
import type { DecodeSession, GenerateRequest, LoadedModel, RuntimeModelInfo, ScoreResult, TokenEvent, WorkPhase } from '../types.js';
import { ConfidenceSignal } from './ConfidenceSignal.js';
import type { cascadeOptions } from './index.js';
import { LruMap } from './LruMap.js';
import { shouldEscalate } from './shouldEscalate.js';
import { StageOutputs } from './StageOutputs.js';

/** The cascade's options other than its stages. */
export type CascadeSettings = Omit<z.output<typeof cascadeOptions>, 'stages'>;

/** Scoring contexts whose routing decision is kept. */
const DECISIONS_KEPT = 256;

/** A stage as the cascade drives it. */
interface StageView {
  stage: CompositeStage;
  /** True when the stage's vocabulary is stage 0's: it takes stage 0's token ids as they are. */
  shared: boolean;
  /** The stage's end-of-sequence ids. */
  eos: ReadonlySet<number>;
  /**
   * True when the probe reads the chosen tokens' log-probabilities from the stage's own generation
   * (`capabilities.generationLogprobs`, signals `meanLogprob` and `minProb`) instead of a decode session's
   * whole distribution: on llama.cpp many times cheaper per token with a large vocabulary.
   */
  byGeneration: boolean;
}

/** Which stage answers, and the signals that decided it. */
interface Decision {
  stage: number;
  signals: number[];
}

/** A probing stage's first greedy tokens, with its session positioned after the last of them. */
interface Probe {
  /** The open decode session after the probe's tokens (session probes); null when no token was decoded. */
  session: DecodeSession | null;
  /** The rest of the stage's generation (generation probes); null otherwise. */
  rest: AsyncIterator<TokenEvent> | null;
  tokens: number[];
  confidence: number;
  /** True when the probe ended on an end-of-sequence token that stops the generation. */
  stopped: boolean;
}

export class CascadeModel implements LoadedModel {
  readonly info: RuntimeModelInfo;
  /** The stages and every request served (the record's `composite` section is built from it). */
  readonly #log: CompositeRequestLog;
  /**
   * Scores with the stage the context is routed to (decided once per context, as `generate` decides:
   * from `signalTokens` greedy tokens after it). Present when every stage scores. A stage whose
   * vocabulary differs from stage 0's scores the text of context + continuation in its own tokens
   * (context and continuation split where its tokenization of the context alone ends): the log-probabilities
   * then count that stage's tokens, which may be more or fewer than the continuation ids given.
   */
  readonly score?: (contextTokenIds: number[], continuationTokenIds: number[]) => Promise<ScoreResult>;
  readonly #stages: LoadedStages;
  readonly #views: StageView[];
  readonly #settings: CascadeSettings;
  readonly #outputs = new StageOutputs();
  readonly #decisions = new LruMap<string, Decision>(DECISIONS_KEPT);
  #lastStage: number | null = null;
  /** The stages as routes (the worker's oracle runs each alone), and the stage that answered the last request. */
  readonly routing: NonNullable<LoadedModel['routing']>;

  private constructor(stages: LoadedStages, views: StageView[], settings: CascadeSettings) {
    this.#stages = stages;
    this.#views = views;
    this.#settings = settings;
    // Held-back tokens come at once (see index.ts): hand-over is `batch`.
    this.info = stages.runtimeInfo({ signal: settings.signal, signalTokens: settings.signalTokens, threshold: settings.threshold }, 'batch');
    this.#log = new CompositeRequestLog('cascade', stages);
    this.routing = { routes: stages.list.map((s) => ({ name: s.spec.model.name, model: s.model })), lastRoute: () => this.#lastStage };
    if (stages.list.every((s) => typeof s.model.score === 'function')) {
      this.score = (context, continuation) => this.#score(context, continuation);
    }
  }

  /** Compares every stage's vocabulary with stage 0's and wraps the loaded stages. */
  static async create(stages: LoadedStages, settings: CascadeSettings): Promise<CascadeModel> {
    const reference = await stages.at(0).model.vocabulary!();
    const views: StageView[] = [];
    for (const stage of stages.list) {
      const vocabulary = stage.index === 0 ? reference : await stage.model.vocabulary?.();
      const shared = vocabulary !== undefined && compareVocabularies(reference, vocabulary) === null;
      const byGeneration = settings.signal !== 'entropy' && stage.adapter.capabilities.generationLogprobs === true;
      views.push({ stage, shared, eos: new Set(stage.model.info.eosTokenIds), byGeneration });
    }
    return new CascadeModel(stages, views, settings);
  }

  /** Stage 0's tokenizer. */
  tokenize(text: string, options: { addBos: boolean }): Promise<number[]> {
    return this.#stages.at(0).model.tokenize(text, options);
  }

  /** With the tokenizer of the stage that produced `tokenIds` (stage 0 for ids it did not see answered). */
  detokenize(tokenIds: number[]): Promise<string> {
    const stage = this.#outputs.stageOf(tokenIds);
    return this.#stages.at(stage).model.detokenize(tokenIds);
  }

  async *generate(request: GenerateRequest): AsyncGenerator<TokenEvent> {
    const { promptTokenIds, maxNewTokens, ignoreEos } = request;
    if (promptTokenIds.length === 0) throw new WorkloadError('generate: the prompt must hold at least one token (BOS)');
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new WorkloadError(`generate: maxNewTokens must be a whole number ≥ 0, got ${maxNewTokens}`);
    const clock = startRequestClock();
    const signals: number[] = [];
    const last = this.#views.length - 1;
    let answered: number | null = null;
    let text: Promise<string> | null = null;
    try {
      for (const view of this.#views) {
        const index = view.stage.index;
        const prompt = view.shared ? promptTokenIds : await view.stage.model.tokenize(await (text ??= this.#textOf(promptTokenIds)), { addBos: true });
        if (index === last) {
          answered = index;
          const output = this.#outputs.start(this.#group(view));
          if (maxNewTokens === 0) return;
          for await (const event of view.stage.model.generate({ promptTokenIds: prompt, maxNewTokens, ignoreEos })) {
            output.push(...event.tokenIds);
            yield event;
          }
          return;
        }
        const count = Math.min(this.#settings.signalTokens, maxNewTokens);
        const eos = ignoreEos ? null : view.eos;
        const probe = view.byGeneration
          ? await this.#probeByGeneration(view, prompt, count, maxNewTokens, eos)
          : await this.#probe(view, prompt, count, eos);
        try {
          signals.push(probe.confidence);
          if (shouldEscalate(probe.confidence, this.#settings.threshold)) continue;
          answered = index;
          const decided = performance.now();
          const output = this.#outputs.start(this.#group(view));
          output.push(...probe.tokens);
          if (probe.tokens.length > 0) yield { tokenIds: [...probe.tokens], time: decided };
          if (probe.stopped) return;
          if (probe.rest) {
            // The stage's own generation goes on where the probe stopped reading it.
            for (let next = await probe.rest.next(); !next.done; next = await probe.rest.next()) {
              output.push(...next.value.tokenIds);
              yield { tokenIds: next.value.tokenIds, time: next.value.time };
              if (!ignoreEos && next.value.tokenIds.some((id) => view.eos.has(id))) return;
            }
            return;
          }
          const session = probe.session;
          if (session === null) return;
          let token = probe.tokens[probe.tokens.length - 1]!;
          for (let produced = probe.tokens.length; produced < maxNewTokens; produced++) {
            await session.push(token);
            token = argmax(session.logprobs, 0, session.logprobs.length);
            const time = performance.now();
            output.push(token);
            yield { tokenIds: [token], time };
            if (!ignoreEos && view.eos.has(token)) return;
          }
          return;
        } finally {
          await closeProbe(probe);
        }
      }
    } finally {
      if (answered !== null) this.#record('generate', answered, signals, false, promptTokenIds.length, clock());
    }
  }

  async dispose(): Promise<void> {
    await this.#stages.dispose();
  }

  async #score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    if (contextTokenIds.length === 0) throw new WorkloadError('score: the context must hold at least one token (BOS)');
    const clock = startRequestClock();
    const key = contextTokenIds.join(',');
    let decision = this.#decisions.get(key);
    const cached = decision !== undefined;
    if (decision === undefined) {
      decision = await this.#decide(contextTokenIds);
      this.#decisions.set(key, decision);
    }
    const view = this.#views[decision.stage]!;
    const model = view.stage.model;
    let result: ScoreResult;
    if (view.shared) {
      result = await model.score!(contextTokenIds, continuationTokenIds);
    } else {
      const pair = await this.#retokenize(view, contextTokenIds, continuationTokenIds);
      result = pair.continuation.length === 0 ? { logprobs: [], isGreedy: true } : await model.score!(pair.context, pair.continuation);
    }
    this.#record('score', decision.stage, decision.signals, cached, contextTokenIds.length + continuationTokenIds.length, clock());
    return result;
  }

  /** Routes a scoring context: probes stage by stage, as `generate` does, with `signalTokens` tokens. */
  async #decide(contextTokenIds: number[]): Promise<Decision> {
    const signals: number[] = [];
    const last = this.#views.length - 1;
    let text: Promise<string> | null = null;
    for (const view of this.#views.slice(0, last)) {
      const context = view.shared ? contextTokenIds : await view.stage.model.tokenize(await (text ??= this.#textOf(contextTokenIds)), { addBos: true });
      const count = this.#probeLength(view, context.length);
      const probe = view.byGeneration ? await this.#probeByGeneration(view, context, count, count, null) : await this.#probe(view, context, count, null);
      await closeProbe(probe);
      signals.push(probe.confidence);
      if (!shouldEscalate(probe.confidence, this.#settings.threshold)) return { stage: view.stage.index, signals };
    }
    return { stage: last, signals };
  }

  /**
   * Tokens a scoring probe decodes after a context: `signalTokens`, fewer where the stage's trained context
   * ends first (at least one).
   */
  #probeLength(view: StageView, contextLength: number): number {
    const limit = view.stage.model.info.contextLength;
    return limit > 0 ? Math.max(1, Math.min(this.#settings.signalTokens, limit - contextLength + 1)) : this.#settings.signalTokens;
  }

  /**
   * Decodes up to `count` greedy tokens after `prompt` (stopping after an id of `eos`), computing the
   * stage's confidence over them. The session is left open after the last token (not yet pushed).
   */
  async #probe(view: StageView, prompt: number[], count: number, eos: ReadonlySet<number> | null): Promise<Probe> {
    if (count === 0) return { session: null, rest: null, tokens: [], confidence: NaN, stopped: false };
    const session = await view.stage.model.openSession!(prompt);
    try {
      const signal = new ConfidenceSignal(this.#settings.signal);
      const tokens: number[] = [];
      for (;;) {
        const logprobs = session.logprobs;
        const token = argmax(logprobs, 0, logprobs.length);
        signal.add(logprobs, token);
        tokens.push(token);
        if (eos?.has(token)) return { session, rest: null, tokens, confidence: signal.value(), stopped: true };
        if (tokens.length >= count) return { session, rest: null, tokens, confidence: signal.value(), stopped: false };
        await session.push(token);
      }
    } catch (error) {
      await session.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The probe of a stage that reports its chosen tokens' log-probabilities while generating: starts the
   * stage's generation of `total` tokens and reads its first `count` tokens (stopping after an id of
   * `eos`); the rest of the generation is left to the caller. The tokens are the stage's greedy tokens, as
   * a session's argmax would choose them.
   */
  async #probeByGeneration(view: StageView, prompt: number[], count: number, total: number, eos: ReadonlySet<number> | null): Promise<Probe> {
    if (count === 0) return { session: null, rest: null, tokens: [], confidence: NaN, stopped: false };
    const rest = view.stage.model.generate({ promptTokenIds: prompt, maxNewTokens: total, ignoreEos: eos === null, logprobs: true })[Symbol.asyncIterator]();
    try {
      const signal = new ConfidenceSignal(this.#settings.signal);
      const tokens: number[] = [];
      let stopped = false;
      while (tokens.length < count && !stopped) {
        const next = await rest.next();
        if (next.done) break;
        const { tokenIds, logprobs } = next.value;
        if (!logprobs || logprobs.length !== tokenIds.length) {
          throw new WorkloadError(`stage ${view.stage.index} (${view.stage.spec.backend.id}) reported no log-probabilities with its tokens`);
        }
        tokenIds.forEach((token, i) => {
          if (tokens.length < count) signal.addChosen(logprobs[i]!);
          tokens.push(token);
          if (eos?.has(token)) stopped = true;
        });
      }
      return { session: null, rest, tokens, confidence: signal.value(), stopped };
    } catch (error) {
      await rest.return?.().catch(() => undefined);
      throw error;
    }
  }

  /** Stage 0's text of its ids, without a leading BOS. */
  #textOf(tokenIds: readonly number[]): Promise<string> {
    const first = this.#stages.at(0).model;
    const bos = first.info.bosTokenId;
    return first.detokenize(bos !== null && tokenIds[0] === bos ? tokenIds.slice(1) : [...tokenIds]);
  }

  /**
   * Context and continuation in a stage's own ids: the text of context + continuation tokenized with BOS,
   * split after the tokens it shares with the context's text tokenized alone.
   */
  async #retokenize(view: StageView, context: number[], continuation: number[]): Promise<{ context: number[]; continuation: number[] }> {
    const model = view.stage.model;
    const contextIds = await model.tokenize(await this.#textOf(context), { addBos: true });
    const whole = await model.tokenize(await this.#textOf([...context, ...continuation]), { addBos: true });
    let split = 0;
    while (split < contextIds.length && split < whole.length && contextIds[split] === whole[split]) split++;
    if (split === 0) {
      throw new WorkloadError(`score: stage ${view.stage.index} (${view.stage.spec.model.name}) tokenizes the context to nothing it can condition on`);
    }
    return { context: whole.slice(0, split), continuation: whole.slice(split) };
  }

  /** Answers of stages sharing stage 0's vocabulary are detokenized by stage 0. */
  #group(view: StageView): number {
    return view.shared ? 0 : view.stage.index;
  }

  #record(kind: CompositeRequest['kind'], stage: number, signals: number[], cached: boolean, promptTokens: number, times: { ms: number; cpuMs: number }): void {
    this.#lastStage = stage;
    this.#log.record({ kind, stage, signals, cached, ms: times.ms, cpuMs: times.cpuMs, promptTokens });
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

/** Ends what a probe left open: its decode session or the rest of its generation. */
async function closeProbe(probe: Probe): Promise<void> {
  await probe.session?.close();
  await probe.rest?.return?.();
}
