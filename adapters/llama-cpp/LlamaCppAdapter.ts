/**
 * llama.cpp backend through node-llama-cpp. Uses the low-level sequence API so that generation is exactly
 * `maxNewTokens` greedy tokens with end-of-sequence ignored, and scoring reads the model's next-token
 * distribution at every continuation position.
 */
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { z } from 'zod';
import {
  BackendOptionError,
  BackendRuntimeError,
  BackendUnavailableError,
  ModelFormatError,
} from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';
import { readPackageVersion } from '../common/readPackageVersion.js';
import { resolveThreadCount } from '../common/resolveThreadCount.js';
import { scoreContinuation } from '../common/scoreContinuation.js';
import type { TokenLogprob } from '../common/logSoftmaxAt.js';
import type {
  Adapter,
  BackendVersions,
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
  readonly capabilities = { scoring: true, formats: ['gguf'] as const };

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
    const { llama } = await getSharedLlama(this.id, options.gpu);
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
        sequences: 1,
      });
    } catch (error) {
      logCapture = null;
      await model.dispose();
      throw new BackendRuntimeError(this.id, `could not create a context of ${contextSize} tokens: ${firstLine(error)}`, {
        cause: error,
      });
    }
    logCapture = null;
    const flashAttention = resolveFlashAttention(options.flashAttention, logs);
    const sequence = context.getSequence();
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
        batchSize: context.batchSize,
        gpu: llama.gpu,
        gpuLayers: model.gpuLayers,
        flashAttention,
        kvCacheType: options.kvCacheType,
        mmap: model.useMmap,
      },
      tokenHandover: 'stream',
      device: llama.gpu === false ? 'cpu' : llama.gpu,
    };
    return new LlamaCppLoadedModel(this.id, model, context, sequence, info);
  }
}

class LlamaCppLoadedModel implements LoadedModel {
  constructor(
    private readonly backend: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    readonly info: RuntimeModelInfo,
  ) {}

  async tokenize(text: string, { addBos }: { addBos: boolean }): Promise<number[]> {
    const ids = this.model.tokenize(text, false) as number[];
    const bos = this.model.tokens.bos;
    return addBos && bos !== null ? [bos, ...ids] : ids;
  }

  async detokenize(tokenIds: number[]): Promise<string> {
    return this.model.detokenize(tokenIds as Token[]);
  }

  async *generate(request: GenerateRequest): AsyncIterable<TokenEvent> {
    const { promptTokenIds, maxNewTokens } = request;
    this.checkFits(promptTokenIds.length + maxNewTokens);
    await this.sequence.clearHistory();
    const iterator = this.sequence.evaluate(promptTokenIds as Token[], {
      temperature: 0,
      // Yield end-of-generation tokens instead of stopping: output length is fixed.
      yieldEogToken: true,
      contextShift: { size: 0, strategy: 'eraseBeginning' },
    });
    let produced = 0;
    try {
      for await (const token of iterator) {
        const time = performance.now();
        produced++;
        yield { tokenIds: [token], time };
        if (produced >= maxNewTokens) break;
      }
    } finally {
      await iterator.return();
    }
    if (produced < maxNewTokens) {
      throw new BackendRuntimeError(this.backend, `generation stopped after ${produced} of ${maxNewTokens} tokens`);
    }
  }

  async score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    if (contextTokenIds.length === 0) throw new BackendRuntimeError(this.backend, 'score needs a non-empty context');
    const all = [...contextTokenIds, ...continuationTokenIds];
    this.checkFits(all.length);
    await this.sequence.clearHistory();
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

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
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

function vocabularySize(model: LlamaModel): number {
  const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) ? tokens.length : 0;
}

/** Reads what llama.cpp resolved `flash_attn = auto` to from its log. */
function resolveFlashAttention(requested: LlamaCppOptions['flashAttention'], logs: string[]): boolean | 'unknown' {
  if (requested !== 'auto') return requested;
  for (const line of logs) {
    // llama.cpp logs e.g. "resolve_fused_ops: Flash Attention enabled" or "... was auto, set to disabled".
    const m = /Flash Attention (?:was auto, set to )?(enabled|disabled)/i.exec(line);
    if (m) return m[1]!.toLowerCase() === 'enabled';
  }
  return 'unknown';
}
