/**
 * A model loaded by the transformers-js backend: tokenizes with the folder's tokenizer, generates through
 * `model.generate()` with a streamer that timestamps each token where transformers.js hands it over, and
 * scores with one forward pass over context + continuation. Decode sessions call the model's forward
 * themselves, feeding each run's `present.*` outputs back as `past_key_values`.
 */
import {
  DynamicCache,
  InterruptableStoppingCriteria,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { BackendRuntimeError, WorkloadError } from '../../harness/errors.js';
import { checkTokenIds } from '../common/checkTokenIds.js';
import { DecodeSessionBase } from '../common/DecodeSessionBase.js';
import { KeptPrefix } from '../common/KeptPrefix.js';
import { firstLine } from '../common/firstLine.js';
import { logSoftmax } from '../common/logSoftmax.js';
import { logSoftmaxAt } from '../common/logSoftmaxAt.js';
import { readTokenizerVocabulary } from '../onnx-common/readTokenizerVocabulary.js';
import { scoreContinuation } from '../common/scoreContinuation.js';
import type { BatchRequest, BatchTokenEvent, DecodeSession, GenerateRequest, LoadedModel, RuntimeModelInfo, ScoreResult, TokenEvent } from '../types.js';
import { TokenEventQueue } from '../common/TokenEventQueue.js';
import { TokenStreamer } from './TokenStreamer.js';

const BACKEND = 'transformers-js';

/** What the adapter learned about the model from its folder and the loaded session. */
export interface ModelFacts {
  /** Absolute path of the model folder (for messages). */
  folder: string;
  /** config.json's `vocab_size`; null when absent (then read from the logits). */
  vocabSize: number | null;
  /** config.json's `max_position_embeddings` (0 when unknown). */
  contextLength: number;
  /** The BOS `tokenize()` prepends: the tokenizer's own, else the config files'. */
  bosTokenId: number | null;
  eosTokenIds: number[];
  /** Device the session runs on. */
  device: string;
  resolvedOptions: Record<string, unknown>;
  /** Absolute path of the ONNX file loaded. */
  weightsFile: string;
  /** Bytes per KV-cache element (the graph's `past_key_values` element type); null without a KV cache. */
  kvBytesPerElement: number | null;
  /** The load's phases (ms): `tokenizer`, `model`. */
  loadPhasesMs: Record<string, number>;
}

/**
 * Generation settings that make `generate()` a plain greedy search whatever the folder's
 * generation_config.json asks for (sampling, beams, penalties, forced or suppressed tokens).
 */
const GREEDY_ONLY: Record<string, unknown> = {
  do_sample: false,
  num_beams: 1,
  num_return_sequences: 1,
  repetition_penalty: 1.0,
  no_repeat_ngram_size: 0,
  min_length: 0,
  bad_words_ids: null,
  forced_bos_token_id: null,
  forced_eos_token_id: null,
  suppress_tokens: null,
  begin_suppress_tokens: null,
  guidance_scale: null,
};

/** The output of a forward call: logits plus the present key/values. */
type ForwardOutput = Record<string, Tensor | undefined>;

export class TransformersJsModel implements LoadedModel {
  private disposed = false;
  /** The open decode session, ended before any other work on the model. */
  private session: TransformersJsDecodeSession | null = null;
  private tokens: Promise<string[]> | null = null;
  /** The prefix `keepPrefix` ran, and its `present*` outputs under their `past*` names. */
  private readonly kept = new KeptPrefix();
  private keptCache: Record<string, Tensor> = {};

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    readonly info: RuntimeModelInfo,
    /** The model folder, for messages. */
    private readonly folder: string,
  ) {}

  /** Wraps a loaded tokenizer and model; reads the vocabulary size from the logits when config.json lacks it. */
  static async open(tokenizer: PreTrainedTokenizer, model: PreTrainedModel, facts: ModelFacts): Promise<TransformersJsModel> {
    let vocabSize = facts.vocabSize;
    if (vocabSize === null) {
      const probeId = facts.bosTokenId ?? 0;
      const outputs = await forward(model, [probeId]);
      vocabSize = logitsOf(outputs).dims[2] ?? 0;
      disposeOutputs(outputs);
    }
    const info: RuntimeModelInfo = {
      vocabSize,
      contextLength: facts.contextLength,
      bosTokenId: facts.bosTokenId,
      eosTokenIds: facts.eosTokenIds,
      resolvedOptions: facts.resolvedOptions,
      tokenHandover: 'stream',
      device: facts.device,
      weightsFile: facts.weightsFile,
      kvBytesPerElement: facts.kvBytesPerElement,
      loadPhasesMs: facts.loadPhasesMs,
      gpus: facts.device === 'cuda' ? [0] : [],
    };
    return new TransformersJsModel(tokenizer, model, info, facts.folder);
  }

  /**
   * The tokenizer's encoding without special tokens, with `info.bosTokenId` (the tokenizer's BOS)
   * prepended when `addBos`. (With `add_special_tokens: true` these Llama tokenizers' post-processor adds
   * the same BOS; building it here keeps EOS and other template tokens out.)
   */
  async tokenize(text: string, options: { addBos: boolean }): Promise<number[]> {
    this.assertOpen();
    const ids = this.tokenizer.encode(text, { add_special_tokens: false });
    return options.addBos && this.info.bosTokenId !== null ? [this.info.bosTokenId, ...ids] : ids;
  }

  /** Decodes ids to text; special tokens (BOS, EOS) are left out. */
  async detokenize(tokenIds: number[]): Promise<string> {
    this.assertOpen();
    return this.tokenizer.decode(tokenIds, { skip_special_tokens: true });
  }

  generate(request: GenerateRequest): AsyncIterable<TokenEvent> {
    return this.stream(request);
  }

  async score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    this.assertOpen();
    if (contextTokenIds.length === 0) throw new WorkloadError('score needs at least one context token (BOS where the model has one)');
    const ids = [...contextTokenIds, ...continuationTokenIds];
    checkTokenIds('score', ids, 0, this.info);
    await this.endSession();
    if (continuationTokenIds.length === 0) return { logprobs: [], isGreedy: true };

    let outputs: ForwardOutput;
    try {
      outputs = await forward(this.model, ids);
    } catch (error) {
      throw new BackendRuntimeError(BACKEND, `forward pass of ${this.folder} failed: ${firstLine(error)}`, { cause: error });
    }
    try {
      const logits = logitsOf(outputs);
      const [batch, positions, vocabSize] = logits.dims;
      if (batch !== 1 || positions !== ids.length || !vocabSize) {
        throw new BackendRuntimeError(BACKEND, `unexpected logits shape [${logits.dims.join(', ')}] for ${ids.length} tokens`);
      }
      const values = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
      return scoreContinuation(contextTokenIds.length, continuationTokenIds, (position, token) =>
        logSoftmaxAt(values, position * vocabSize, vocabSize, token),
      );
    } finally {
      disposeOutputs(outputs);
    }
  }

  /**
   * Runs the prompt through the model's forward, then one pushed token per run against the cache of
   * the previous run. Ends the session open before.
   */
  async openSession(promptTokenIds: number[]): Promise<DecodeSession> {
    this.assertOpen();
    if (promptTokenIds.length === 0) throw new WorkloadError('openSession needs a non-empty prompt (BOS where the model has one)');
    checkTokenIds('openSession', promptTokenIds, 0, this.info);
    await this.endSession();
    const session = new TransformersJsDecodeSession(this.model, this.info, this.folder);
    this.session = session;
    await session.open(promptTokenIds);
    return session;
  }

  /**
   * Runs `tokenIds` through the model's forward and keeps the cache it returns: a generation whose prompt
   * extends them hands `generate()` a fresh `DynamicCache` over these tensors (`generate()` updates the
   * cache object it is given in place, never the tensors), and transformers.js then runs only the prompt
   * tokens after the cached ones, as in its multi-turn use.
   */
  async keepPrefix(tokenIds: number[]): Promise<void> {
    this.assertOpen();
    KeptPrefix.check(tokenIds);
    checkTokenIds('keepPrefix', tokenIds, 1, this.info);
    await this.endSession();
    this.dropKept();
    let outputs: ForwardOutput;
    try {
      outputs = await forward(this.model, tokenIds);
    } catch (error) {
      throw new BackendRuntimeError(BACKEND, `forward pass of ${this.folder} failed: ${firstLine(error)}`, { cause: error });
    }
    const cache = cacheOf(outputs);
    for (const [name, tensor] of Object.entries(outputs)) if (tensor && !name.startsWith('present')) tensor.dispose();
    if (Object.keys(cache).length === 0) {
      throw new BackendRuntimeError(BACKEND, `${this.folder}: the graph returns no present.* outputs: it cannot keep a prefix in a KV cache`);
    }
    this.keptCache = cache;
    this.kept.set(tokenIds);
  }

  /** tokenizer.json's tokens by id (read once). */
  async vocabulary(): Promise<string[]> {
    this.assertOpen();
    this.tokens ??= readTokenizerVocabulary(this.folder);
    return [...(await this.tokens)];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.endSession();
    this.dropKept();
    await this.model.dispose();
  }

  private dropKept(): void {
    this.kept.clear();
    for (const tensor of Object.values(this.keptCache)) tensor.dispose();
    this.keptCache = {};
  }

  private async endSession(): Promise<void> {
    const open = this.session;
    this.session = null;
    await open?.supersede();
  }

  private async *stream(request: GenerateRequest): AsyncGenerator<TokenEvent> {
    this.assertOpen();
    const prompt = request.promptTokenIds;
    checkRequest('generate', request, this.info);
    await this.endSession();
    const cachedTokens = this.kept.reusableBy(prompt);
    const cache = cachedTokens > 0 ? new DynamicCache(this.keptCache) : null;
    for await (const { request: _row, ...event } of this.run([prompt], request.maxNewTokens, request.ignoreEos, cache, cachedTokens)) yield event;
  }

  /**
   * A static batch through one `generate()` call with a batch dimension: the prompts (of one length, no
   * padding) prefilled together, then one token per row per step. Every request must ask for the same
   * number of new tokens (transformers.js stops a batch as a whole).
   */
  async *generateBatch(requests: readonly BatchRequest[]): AsyncGenerator<BatchTokenEvent> {
    this.assertOpen();
    if (requests.length === 0) return;
    const first = requests[0]!;
    requests.forEach((request, i) => {
      checkRequest('generateBatch', request, this.info);
      if (request.promptTokenIds.length !== first.promptTokenIds.length) {
        throw new WorkloadError(`generateBatch: a static batch needs prompts of one length; request ${i} has ${request.promptTokenIds.length} tokens, request 0 ${first.promptTokenIds.length}`);
      }
      if (request.maxNewTokens !== first.maxNewTokens || request.ignoreEos !== first.ignoreEos) {
        throw new WorkloadError(`generateBatch: every request of a batch must ask for the same tokens (request ${i}: ${request.maxNewTokens}, request 0: ${first.maxNewTokens})`);
      }
    });
    await this.endSession();
    yield* this.run(requests.map((r) => r.promptTokenIds), first.maxNewTokens, first.ignoreEos, null, 0);
  }

  /** Runs `generate()` over the prompt rows, handing over each row's tokens as the streamer receives them. */
  private async *run(prompts: readonly (readonly number[])[], maxNewTokens: number, ignoreEos: boolean, cache: DynamicCache | null, cachedTokens: number): AsyncGenerator<BatchTokenEvent> {
    const queue = new TokenEventQueue<BatchTokenEvent>();
    const stopper = new InterruptableStoppingCriteria();
    const started = prompts.map(() => false);
    const streamer = new TokenStreamer(prompts, (row, tokenIds, time) => {
      queue.push({ request: row, tokenIds, time, ...(started[row] ? {} : { cachedTokens }) });
      started[row] = true;
    });
    const run = this.runGenerate(prompts, maxNewTokens, ignoreEos, streamer, stopper, cache).then(
      () => queue.close(),
      (error: unknown) => queue.fail(error),
    );
    let completed = false;
    try {
      for await (const event of queue) yield event;
      completed = true;
    } finally {
      // A consumer that stops early: ask generate() to stop at its next step, and wait for it so the
      // session is idle when control returns.
      if (!completed) stopper.interrupt();
      await run;
    }
  }

  private async runGenerate(
    prompts: readonly (readonly number[])[],
    M: number,
    ignoreEos: boolean,
    streamer: TokenStreamer,
    stopper: InterruptableStoppingCriteria,
    cache: DynamicCache | null,
  ): Promise<void> {
    const length = prompts[0]!.length;
    let output: unknown;
    try {
      // Typed loosely: transformers.js's typings want a TextStreamer and no nulls, its code takes any
      // BaseStreamer and uses null for "off".
      const parameters: Record<string, unknown> = {
        ...GREEDY_ONLY,
        input_ids: rowsTensor(prompts),
        attention_mask: onesTensor(length, prompts.length),
        max_new_tokens: M,
        // min_new_tokens makes transformers.js mask every EOS logit until M tokens exist, so the
        // runner-up is taken where the model would have ended (resolvedOptions.eosHandling).
        min_new_tokens: ignoreEos ? M : null,
        streamer,
        stopping_criteria: [stopper],
        // The kept prefix: transformers.js runs only the prompt tokens after it.
        ...(cache ? { past_key_values: cache } : {}),
      };
      output = await this.model.generate(parameters);
    } catch (error) {
      if (error instanceof BackendRuntimeError) throw error;
      throw new BackendRuntimeError(BACKEND, `generate() on ${this.folder} failed: ${firstLine(error)}`, { cause: error });
    }
    if (stopper.interrupted) return;

    if (!(output instanceof Tensor) || output.dims.length !== 2 || output.dims[0] !== prompts.length) {
      throw new BackendRuntimeError(BACKEND, `generate() did not return a [${prompts.length}, length] tensor of ids`);
    }
    const sequences = (output.tolist() as bigint[][]).map((row) => row.map(Number));
    sequences.forEach((sequence, b) => {
      const prompt = prompts[b]!;
      const returned = sequence.slice(prompt.length);
      const streamed = streamer.rows[b]!;
      if (!prompt.every((id, i) => sequence[i] === id)) {
        throw new BackendRuntimeError(BACKEND, 'generate() returned a sequence that does not start with the prompt');
      }
      if (returned.length !== streamed.length || returned.some((id, i) => id !== streamed[i])) {
        throw new BackendRuntimeError(
          BACKEND,
          `streamed ids differ from generate()'s result (${streamed.length} streamed, ${returned.length} returned)`,
        );
      }
      if (ignoreEos && returned.length !== M) {
        throw new BackendRuntimeError(BACKEND, `generate() produced ${returned.length} tokens where ${M} were requested`);
      }
    });
  }

  private assertOpen(): void {
    if (this.disposed) throw new BackendRuntimeError(BACKEND, 'the model was disposed');
  }
}

/**
 * One decode session of a {@link TransformersJsModel}: the `present.*` tensors of its last forward run,
 * renamed as the `past_key_values.*` inputs of the next.
 */
class TransformersJsDecodeSession extends DecodeSessionBase {
  #cache: Record<string, Tensor> = {};
  /** The tokens so far, re-run whole at each step by a graph that returns no cache. */
  #tokens: number[] = [];

  constructor(
    private readonly model: PreTrainedModel,
    info: RuntimeModelInfo,
    private readonly folder: string,
  ) {
    super({
      backend: BACKEND,
      vocabSize: info.vocabSize,
      maxLength: info.contextLength,
      maxLengthReason: `the model's context is ${info.contextLength} tokens`,
    });
  }

  protected async evaluate(tokenIds: readonly number[], pastLength: number): Promise<void> {
    const tokens = [...this.#tokens, ...tokenIds];
    const cached = pastLength > 0 && Object.keys(this.#cache).length > 0;
    const input = cached ? tokenIds : tokens;
    let outputs: ForwardOutput;
    try {
      outputs = (await this.model({
        input_ids: idsTensor(input),
        attention_mask: onesTensor(tokens.length),
        // Absent on the first run: transformers.js then feeds an empty cache and counts positions from 0;
        // with a cache it takes the last positions of the mask.
        past_key_values: cached ? new DynamicCache(this.#cache) : undefined,
        // Only the last position's logits are needed (used by graphs that take this input).
        num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
      })) as ForwardOutput;
    } catch (error) {
      throw new BackendRuntimeError(BACKEND, `forward pass of ${this.folder} failed: ${firstLine(error)}`, { cause: error });
    }
    const next = cacheOf(outputs);
    try {
      const logits = logitsOf(outputs);
      const vocab = this.limits.vocabSize;
      if (logits.dims.at(-1) !== vocab) {
        throw new BackendRuntimeError(BACKEND, `decode session expected logits over ${vocab} tokens, got shape [${logits.dims.join(', ')}]`);
      }
      const values = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
      logSoftmax(values, values.length - vocab, vocab, this.logprobs);
    } catch (error) {
      disposeOutputs(outputs);
      throw error;
    }
    for (const [name, tensor] of Object.entries(outputs)) if (tensor && !name.startsWith('present')) tensor.dispose();
    for (const tensor of Object.values(this.#cache)) tensor.dispose();
    this.#cache = next;
    this.#tokens = tokens;
  }

  protected async release(): Promise<void> {
    for (const tensor of Object.values(this.#cache)) tensor.dispose();
    this.#cache = {};
    this.#tokens = [];
  }
}

/** Cache kinds whose outputs are `present_<kind>…` and inputs `past_<kind>…` (transformers.js 4.3's list). */
const HYBRID_CACHES = ['ssm', 'conv', 'recurrent', 'compressor', 'indexer'] as const;

/**
 * The `present*` outputs of a run under the names of the matching inputs of the next, as transformers.js's
 * own generation loop renames them (`present.0.key` → `past_key_values.0.key`; the hybrid caches'
 * `present_conv`, `present_ssm`, … → `past_conv`, `past_ssm`, …).
 */
function cacheOf(outputs: ForwardOutput): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!tensor || !name.startsWith('present')) continue;
    const hybrid = HYBRID_CACHES.find((kind) => name.startsWith(`present_${kind}`));
    cache[hybrid ? name.replace('present_', 'past_') : name.replace('present', 'past_key_values')] = tensor;
  }
  return cache;
}

/** One forward call on a single sequence; the model builds position ids and an empty cache itself. */
async function forward(model: PreTrainedModel, ids: readonly number[]): Promise<ForwardOutput> {
  return (await model({ input_ids: idsTensor(ids), attention_mask: onesTensor(ids.length) })) as ForwardOutput;
}

function logitsOf(outputs: ForwardOutput): Tensor {
  const logits = outputs['logits'];
  if (!logits) throw new BackendRuntimeError(BACKEND, 'the model returned no logits');
  return logits;
}

/** Frees output tensors (GPU buffers on webgpu; on CPU this only drops the data). */
function disposeOutputs(outputs: ForwardOutput): void {
  for (const tensor of Object.values(outputs)) tensor?.dispose();
}

function idsTensor(ids: readonly number[]): Tensor {
  return new Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]);
}

function rowsTensor(rows: readonly (readonly number[])[]): Tensor {
  const length = rows[0]?.length ?? 0;
  return new Tensor('int64', BigInt64Array.from(rows.flat(), (id) => BigInt(id)), [rows.length, length]);
}

function onesTensor(length: number, batch = 1): Tensor {
  return new Tensor('int64', new BigInt64Array(batch * length).fill(1n), [batch, length]);
}

/** Refuses an empty prompt, a count of new tokens below 1 and ids the model cannot take. */
function checkRequest(what: string, request: GenerateRequest, info: RuntimeModelInfo): void {
  if (request.promptTokenIds.length === 0) throw new WorkloadError(`${what} needs a non-empty prompt (BOS where the model has one)`);
  if (!Number.isInteger(request.maxNewTokens) || request.maxNewTokens < 1) {
    throw new WorkloadError(`maxNewTokens must be a positive integer, got ${request.maxNewTokens}`);
  }
  checkTokenIds(what, request.promptTokenIds, request.maxNewTokens, info);
}
