/**
 * llama.cpp backend through node-llama-cpp. Uses the low-level sequence API so that generation is exactly
 * `maxNewTokens` greedy tokens with end-of-sequence ignored, and scoring reads the model's next-token
 * distribution at every continuation position. Decode sessions evaluate one token at a time on the same
 * sequence and read its distribution the same way.
 *
 * node-llama-cpp 3.21 hands a position's distribution over only as a Map of token → probability (float32
 * softmax of the logits, computed natively) — it has no public raw-logits call — so sessions and `score`
 * take ln of those probabilities; a probability that underflows float32 (a logit over ~100 below the
 * top one) reads as -Infinity.
 */
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { z } from 'zod';
import {
  BackendOptionError,
  BackendRuntimeError,
  BackendUnavailableError,
  ModelFormatError,
  WorkloadError,
} from '../../harness/errors.js';
import { checkTokenIds } from '../common/checkTokenIds.js';
import { KeptPrefix } from '../common/KeptPrefix.js';
import { ggmlBytesPerElement } from '../formats/gguf/ggmlTypes.js';
import { DecodeSessionBase } from '../common/DecodeSessionBase.js';
import { firstLine } from '../common/firstLine.js';
import { readPackageVersion } from '../common/readPackageVersion.js';
import { resolveThreadCount } from '../common/resolveThreadCount.js';
import { scoreContinuation } from '../common/scoreContinuation.js';
import type { TokenLogprob } from '../common/logSoftmaxAt.js';
import type {
  Adapter,
  BackendVersions,
  BatchRequest,
  BatchTokenEvent,
  DecodeSession,
  GenerateRequest,
  LoadHints,
  LoadedModel,
  ModelSource,
  RuntimeModelInfo,
  ScoreResult,
  TokenEvent,
} from '../types.js';
import type { llamaCppOptions } from './index.js';

type LlamaCppOptions = z.output<typeof llamaCppOptions>;

/** Scored positions evaluated per call (each hands over a whole-vocabulary Map). */
const SCORE_CHUNK = 16;

/** GGML type names of the `kvCacheType` option. */
const KV_CACHE_TYPES = { f32: 'F32', f16: 'F16', q8_0: 'Q8_0', q4_0: 'Q4_0' } as const;

/**
 * node-llama-cpp keeps one native binding per process, with the logger of its first `getLlama` call; the
 * log (read to resolve `auto` settings) is therefore shared by every adapter instance in the process.
 */
let llamaPromise: Promise<{ llama: Llama }> | null = null;
/** Receives llama.cpp's log lines while a context is being created; null otherwise. */
let logCapture: string[] | null = null;
let llamaGpu: LlamaCppOptions['gpu'] | null = null;

function getSharedLlama(backend: string, gpu: LlamaCppOptions['gpu']): Promise<{ llama: Llama }> {
  if (llamaPromise && llamaGpu !== gpu) {
    throw new BackendOptionError(backend, 'gpu', 'one process can hold one llama.cpp build');
  }
  if (!llamaPromise) {
    llamaGpu = gpu;
    llamaPromise = (async () => {
      const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
      try {
        const llama = await getLlama({
          gpu,
          // Prebuilt binaries only: never compile llama.cpp or download anything at run time.
          build: 'never',
          skipDownload: true,
          progressLogs: false,
          logLevel: LlamaLogLevel.info,
          // llama.cpp's chatter is not printed; lines logged while a context is created are kept to resolve `auto`.
          logger: (_level, message) => logCapture?.push(message),
        });
        return { llama };
      } catch (error) {
        llamaPromise = null;
        throw new BackendUnavailableError(
          backend,
          `no usable prebuilt llama.cpp binary for gpu=${String(gpu)}: ${firstLine(error)}`,
          { cause: error },
        );
      }
    })();
  }
  return llamaPromise;
}

export class LlamaCppAdapter implements Adapter<LlamaCppOptions> {
  readonly id = 'llama-cpp';
  readonly capabilities = { stepwise: true, generationLogprobs: true, prefixCache: true, batching: 'continuous' as const };

  async versions(): Promise<BackendVersions> {
    const versions: BackendVersions = {
      'node-llama-cpp': readPackageVersion('node-llama-cpp', import.meta.url)?.version ?? 'unknown',
    };
    if (llamaPromise) {
      const { llama } = await llamaPromise;
      versions['llama.cpp'] = llama.llamaCppRelease.release;
      versions['llama.cpp-build'] = `${llama.buildType}, gpu=${String(llama.gpu)}`;
    }
    return versions;
  }

  async load(source: ModelSource, options: LlamaCppOptions, hints: LoadHints = {}): Promise<LoadedModel> {
    if (source.format !== 'gguf') {
      throw new ModelFormatError(source.path, `backend llama-cpp reads GGUF files, not ${source.format}`);
    }
    const runtimeStart = performance.now();
    const { llama } = await getSharedLlama(this.id, options.gpu);
    const modelStart = performance.now();
    const threads = resolveThreadCount(options.threads);
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: source.path,
        gpuLayers: options.gpuLayers,
        useMmap: options.mmap,
      });
    } catch (error) {
      throw new ModelFormatError(source.path, `llama.cpp could not load it: ${firstLine(error)}`, { cause: error });
    }
    const contextStart = performance.now();
    const trained = model.trainContextSize;
    const required = Math.max(hints.requiredContext ?? 0, hints.fullContext ? trained : 0);
    const contextSize =
      options.contextSize === 'auto' ? Math.max(256, Math.ceil(Math.max(required, 1) / 256) * 256) : options.contextSize;
    const logs: string[] = [];
    logCapture = logs;
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize,
        batchSize: Math.min(options.batchSize, contextSize),
        threads,
        flashAttention: options.flashAttention,
        experimentalKvCacheKeyType: KV_CACHE_TYPES[options.kvCacheType],
        experimentalKvCacheValueType: KV_CACHE_TYPES[options.kvCacheType],
        // One sequence per concurrent request: llama.cpp decodes the sequences that have work in one batch.
        sequences: Math.max(1, hints.concurrency ?? 1),
      });
    } catch (error) {
      logCapture = null;
      await model.dispose();
      throw new BackendRuntimeError(this.id, `could not create a context of ${contextSize} tokens: ${firstLine(error)}`, {
        cause: error,
      });
    }
    // llama.cpp logs from its own threads and node-llama-cpp hands the lines over through the event loop,
    // so the line that resolves `auto` may come after createContext has resolved: wait for it briefly.
    if (options.flashAttention === 'auto') await waitForLogLine(logs, FLASH_ATTENTION_LINE, 250);
    logCapture = null;
    const contextEnd = performance.now();
    const flashAttention = resolveFlashAttention(options.flashAttention, logs);
    const sequences = Array.from({ length: Math.max(1, hints.concurrency ?? 1) }, () => context.getSequence());
    const sequence = sequences[0]!;
    const vocabSize = vocabularySize(model);
    const eos = [model.tokens.eos, model.tokens.eot].filter((t): t is Token => t !== null);
    const info: RuntimeModelInfo = {
      vocabSize,
      contextLength: trained,
      bosTokenId: model.tokens.bos,
      eosTokenIds: [...new Set(eos)],
      resolvedOptions: {
        threads,
        contextSize: context.contextSize,
        sequences: sequences.length,
        batchSize: context.batchSize,
        gpu: llama.gpu,
        gpuLayers: model.gpuLayers,
        flashAttention,
        kvCacheType: options.kvCacheType,
        mmap: model.useMmap,
      },
      loadPhasesMs: { runtime: modelStart - runtimeStart, model: contextStart - modelStart, context: contextEnd - contextStart },
      tokenHandover: 'stream',
      device: llama.gpu === false ? 'cpu' : llama.gpu,
      weightsFile: source.path,
      kvBytesPerElement: ggmlBytesPerElement(options.kvCacheType) ?? null,
      gpus: llama.gpu === 'cuda' ? [0] : [],
    };
    return new LlamaCppLoadedModel(this.id, model, context, sequences, info);
  }
}

class LlamaCppLoadedModel implements LoadedModel {
  /** The open decode session, which owns the sequence until it ends; ended before any other work. */
  #openSession: LlamaCppDecodeSession | null = null;
  /** The prefix `keepPrefix` evaluated at the start of the sequence, while the sequence holds it. */
  readonly #kept = new KeptPrefix();

  constructor(
    private readonly backend: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    /** The context's sequences: the first serves `generate`, `score`, sessions and the kept prefix; all serve batches. */
    private readonly sequences: readonly LlamaContextSequence[],
    readonly info: RuntimeModelInfo,
  ) {
    this.sequence = sequences[0]!;
  }

  private readonly sequence: LlamaContextSequence;

  async tokenize(text: string, { addBos }: { addBos: boolean }): Promise<number[]> {
    const ids = this.model.tokenize(text, false) as number[];
    const bos = this.model.tokens.bos;
    return addBos && bos !== null ? [bos, ...ids] : ids;
  }

  async detokenize(tokenIds: number[]): Promise<string> {
    return this.model.detokenize(tokenIds as Token[]);
  }

  /**
   * Evaluates `tokenIds` at the start of the model's only sequence and keeps them there: `generate` then
   * erases what came after them (llama.cpp removes those cells of the KV cache) and evaluates only the
   * rest of its prompt.
   */
  async keepPrefix(tokenIds: number[]): Promise<void> {
    KeptPrefix.check(tokenIds);
    checkTokenIds('keepPrefix', tokenIds, 0, this.info);
    this.checkFits(tokenIds.length + 1);
    await this.endSession();
    await this.clearSequence();
    await this.sequence.evaluateWithoutGeneratingNewTokens(tokenIds as Token[]);
    this.#kept.set(tokenIds);
  }

  async *generate(request: GenerateRequest): AsyncIterable<TokenEvent> {
    const { maxNewTokens } = request;
    this.checkFits(request.promptTokenIds.length + maxNewTokens);
    await this.endSession();
    const cachedTokens = this.#kept.reusableBy(request.promptTokenIds);
    if (cachedTokens > 0) {
      // Back to the kept prefix: the previous generation's tokens leave the cache.
      const end = this.sequence.nextTokenIndex;
      if (end > cachedTokens) await this.sequence.eraseContextTokenRanges([{ start: cachedTokens, end }]);
    } else {
      await this.clearSequence();
    }
    const promptTokenIds = request.promptTokenIds.slice(cachedTokens);
    const options = {
      temperature: 0,
      // Yield end-of-generation tokens instead of stopping: output length is fixed.
      yieldEogToken: true,
      contextShift: { size: 0, strategy: 'eraseBeginning' as const },
    };
    // With `logprobs`, llama.cpp also reports each chosen token's probability (its "confidence": the
    // softmax of the logits at that position, computed natively; far cheaper than a whole distribution).
    const iterator: AsyncGenerator<Token | { token: Token; confidence?: number }, void, void> = request.logprobs
      ? this.sequence.evaluateWithMetadata(promptTokenIds as Token[], { confidence: true }, options)
      : this.sequence.evaluate(promptTokenIds as Token[], options);
    let produced = 0;
    try {
      for await (const item of iterator) {
        const time = performance.now();
        produced++;
        const cached = produced === 1 ? { cachedTokens } : {};
        if (typeof item === 'object') {
          yield { tokenIds: [item.token], time, logprobs: [Math.log(item.confidence ?? Number.NaN)], ...cached };
        } else {
          yield { tokenIds: [item], time, ...cached };
        }
        if (produced >= maxNewTokens) break;
      }
    } finally {
      await iterator.return();
    }
    if (produced < maxNewTokens) {
      throw new BackendRuntimeError(this.backend, `generation stopped after ${produced} of ${maxNewTokens} tokens`);
    }
  }

  /**
   * Each request on a sequence of its own, decoded in lockstep: at every step each active request's next
   * input (its whole prompt when it has just arrived, else its last token) is handed to its sequence in the
   * same event-loop turn, so node-llama-cpp gathers them into one llama.cpp decode, and the greedy token of
   * each comes back from it. A request whose `startAt` has passed joins at the next step, its prompt in
   * the same batch as the others' tokens (continuous batching). (node-llama-cpp's own generators sample
   * each sequence apart and re-queue one at a time, which decoded four requests one after another.) The
   * kept prefix is dropped.
   */
  async *generateBatch(requests: readonly BatchRequest[]): AsyncIterable<BatchTokenEvent> {
    if (requests.length > this.sequences.length) {
      throw new BackendOptionError(this.backend, 'sequences', `${requests.length} requests need as many sequences; the context was created with ${this.sequences.length} (LoadHints.concurrency)`);
    }
    for (const request of requests) {
      if (request.promptTokenIds.length === 0) throw new WorkloadError('generateBatch needs non-empty prompts (BOS where the model has one)');
      checkTokenIds('generateBatch', request.promptTokenIds, request.maxNewTokens, this.info);
      this.checkFits(request.promptTokenIds.length + request.maxNewTokens);
    }
    await this.endSession();
    this.#kept.clear();
    await Promise.all(this.sequences.map((s) => s.clearHistory()));
    const produced = requests.map(() => 0);
    const last = requests.map((): number | null => null);
    const done = (i: number) => produced[i]! >= requests[i]!.maxNewTokens;
    try {
      for (;;) {
        const now = performance.now();
        const active = requests.map((r, i) => i).filter((i) => !done(i) && (requests[i]!.startAt ?? 0) <= now);
        if (active.length === 0) {
          const waiting = requests.map((r, i) => i).filter((i) => !done(i));
          if (waiting.length === 0) break;
          const next = Math.min(...waiting.map((i) => requests[i]!.startAt ?? 0));
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
          continue;
        }
        // Every active sequence's input queued in this turn: one decode for all of them.
        const outputs = await Promise.all(
          active.map((i) => {
            const input = last[i] === null ? requests[i]!.promptTokenIds : [last[i]!];
            const items = input.map((token, k) =>
              k === input.length - 1 ? ([token as Token, { generateNext: { token: true, options: { temperature: 0 } } }] as const) : (token as Token),
            );
            return this.sequences[i]!.controlledEvaluate(items as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
          }),
        );
        const time = performance.now();
        for (let k = 0; k < active.length; k++) {
          const i = active[k]!;
          const result = outputs[k]!;
          const token = result[result.length - 1]?.next?.token;
          if (token === undefined || token === null) throw new BackendRuntimeError(this.backend, `request ${i}: llama.cpp returned no next token`);
          const first = produced[i] === 0;
          produced[i]!++;
          last[i] = token;
          yield { request: i, tokenIds: [token], time, ...(first ? { cachedTokens: 0 } : {}) };
        }
      }
    } finally {
      await Promise.allSettled(this.sequences.map((s) => s.clearHistory()));
    }
  }

  async score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    if (contextTokenIds.length === 0) throw new BackendRuntimeError(this.backend, 'score needs a non-empty context');
    const all = [...contextTokenIds, ...continuationTokenIds];
    this.checkFits(all.length);
    await this.endSession();
    await this.clearSequence();
    const firstScored = contextTokenIds.length - 1;
    // The context before the first scored position, without distributions.
    if (firstScored > 0) await this.sequence.controlledEvaluate(all.slice(0, firstScored) as Token[]);
    // Then the scored positions in chunks: node-llama-cpp hands each position's distribution over as a
    // Map of the whole vocabulary, so only a chunk's Maps are alive at a time (32000 entries each).
    const scored = new Map<number, TokenLogprob>();
    for (let start = firstScored; start < all.length - 1; start += SCORE_CHUNK) {
      const end = Math.min(start + SCORE_CHUNK, all.length - 1);
      const input = all.slice(start, end).map((token) => [token as Token, { generateNext: { probabilities: true } }] as const);
      const outputs = await this.sequence.controlledEvaluate(input as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
      outputs.forEach((output, i) => {
        const position = start + i;
        const probabilities = output?.next.probabilities;
        if (!probabilities) throw new BackendRuntimeError(this.backend, `no probabilities at position ${position}`);
        const target = all[position + 1]!;
        const p = probabilities.get(target as Token) ?? 0;
        // The map is sorted by probability, highest first.
        const top = probabilities.entries().next().value as [Token, number] | undefined;
        scored.set(position, { logprob: Math.log(p), isArgmax: top !== undefined && (top[0] === target || top[1] <= p) });
      });
    }
    const result = scoreContinuation(contextTokenIds.length, continuationTokenIds, (position) => {
      const value = scored.get(position);
      if (!value) throw new BackendRuntimeError(this.backend, `no probabilities at position ${position}`);
      return value;
    });
    await this.sequence.clearHistory();
    return result;
  }

  /**
   * Evaluates the prompt on the model's sequence, then one pushed token per call, each time reading the
   * next-token distribution. Ends the session open before (the sequence is shared with `generate` and
   * `score`, which end it too).
   */
  async openSession(promptTokenIds: number[]): Promise<DecodeSession> {
    if (promptTokenIds.length === 0) throw new WorkloadError('openSession needs a non-empty prompt (BOS where the model has one)');
    checkTokenIds('openSession', promptTokenIds, 0, this.info);
    this.checkFits(promptTokenIds.length);
    await this.endSession();
    await this.clearSequence();
    const session = new LlamaCppDecodeSession(this.backend, this.sequence, this.info.vocabSize, this.context.contextSize);
    this.#openSession = session;
    await session.open(promptTokenIds);
    return session;
  }

  /** The GGUF's `tokenizer.ggml.tokens`. */
  async vocabulary(): Promise<string[]> {
    const tokens: unknown = this.model.fileInfo.metadata.tokenizer?.ggml?.tokens;
    if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === 'string')) {
      throw new BackendRuntimeError(this.backend, 'the GGUF has no tokenizer.ggml.tokens array of strings');
    }
    return [...(tokens as string[])];
  }

  async dispose(): Promise<void> {
    await this.endSession();
    await this.context.dispose();
    await this.model.dispose();
  }

  private async endSession(): Promise<void> {
    const open = this.#openSession;
    this.#openSession = null;
    await open?.supersede();
  }

  /** Empties the sequence, and with it the kept prefix. */
  private async clearSequence(): Promise<void> {
    this.#kept.clear();
    await this.sequence.clearHistory();
  }

  private checkFits(tokens: number): void {
    if (tokens > this.context.contextSize) {
      throw new BackendOptionError(
        this.backend,
        'contextSize',
        `${tokens} tokens do not fit a context of ${this.context.contextSize}`,
      );
    }
  }
}

/**
 * A decode session on the model's only sequence: the sequence's KV cache is the session's cache, and
 * freeing it clears the sequence's history.
 */
class LlamaCppDecodeSession extends DecodeSessionBase {
  constructor(
    backend: string,
    private readonly sequence: LlamaContextSequence,
    vocabSize: number,
    contextSize: number,
  ) {
    super({ backend, vocabSize, maxLength: contextSize, maxLengthReason: `the context holds ${contextSize} tokens (option contextSize)` });
  }

  protected async evaluate(tokenIds: readonly number[], _pastLength: number): Promise<void> {
    const last = tokenIds.length - 1;
    const input: Parameters<LlamaContextSequence['controlledEvaluate']>[0] = tokenIds.map((token, i) =>
      i === last ? ([token as Token, { generateNext: { probabilities: true } }] as const) : (token as Token),
    ) as Parameters<LlamaContextSequence['controlledEvaluate']>[0];
    // The context never has to shift: the session checks its length against the context before each push.
    const outputs = await this.sequence.controlledEvaluate(input);
    const probabilities = outputs[last]?.next.probabilities;
    if (!probabilities) throw new BackendRuntimeError(this.limits.backend, `no probabilities after ${tokenIds.length} evaluated token(s)`);
    const logprobs = this.logprobs;
    logprobs.fill(-Infinity);
    for (const [token, p] of probabilities) if (token < logprobs.length) logprobs[token] = Math.log(p);
  }

  protected async release(): Promise<void> {
    await this.sequence.clearHistory();
  }
}

function vocabularySize(model: LlamaModel): number {
  const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) ? tokens.length : 0;
}

/** Reads what llama.cpp resolved `flash_attn = auto` to from its log. */
function resolveFlashAttention(requested: LlamaCppOptions['flashAttention'], logs: string[]): boolean | 'unknown' {
  if (requested !== 'auto') return requested;
  for (const line of logs) {
    const m = FLASH_ATTENTION_LINE.exec(line);
    if (m) return m[1]!.toLowerCase() === 'enabled';
  }
  return 'unknown';
}

/** llama.cpp's line on what `flash_attn = auto` became: "resolve_fused_ops: Flash Attention enabled" or "... was auto, set to disabled". */
const FLASH_ATTENTION_LINE = /Flash Attention (?:was auto, set to )?(enabled|disabled)/i;

/** Resolves once a line of `logs` matches `pattern`, or after `timeoutMs`, letting queued log lines arrive. */
async function waitForLogLine(logs: readonly string[], pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let checked = 0;
  for (;;) {
    for (; checked < logs.length; checked++) if (pattern.test(logs[checked]!)) return;
    if (performance.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
