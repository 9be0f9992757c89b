/**
 * A decoder loaded in an onnxruntime-node session, driven by slmbench's own loop: the prompt is
 * prefilled in one run, then each step feeds one token and the previous step's `present.*` outputs as
 * `past_key_values.*` (the prompt is never run again). Greedy argmax over the last position's logits.
 *
 * A graph without `past_key_values.*` inputs runs in **no-cache mode** (`resolvedOptions.kvCache =
 * false`): every step re-runs the whole sequence. That is correct but costs O(n²); the mode is labelled
 * so such numbers are never compared with cached runs unknowingly.
 *
 * Decode sessions (`openSession`) run the same loop one pushed token at a time and hand over the
 * log-softmax of the last position's logits (float16 logits converted to float32 first).
 */
import * as ort from 'onnxruntime-node';
import { BackendRuntimeError, WorkloadError } from '../../harness/errors.js';
import { argmax } from '../common/argmax.js';
import { checkTokenIds } from '../common/checkTokenIds.js';
import { DecodeSessionBase } from '../common/DecodeSessionBase.js';
import { KeptPrefix } from '../common/KeptPrefix.js';
import { firstLine } from '../common/firstLine.js';
import { logSoftmax } from '../common/logSoftmax.js';
import { logSoftmaxAt } from '../common/logSoftmaxAt.js';
import { readTokenizerVocabulary } from '../onnx-common/readTokenizerVocabulary.js';
import { scoreContinuation } from '../common/scoreContinuation.js';
import type { BatchRequest, BatchTokenEvent, DecodeSession, GenerateRequest, LoadedModel, RuntimeModelInfo, ScoreResult, TokenEvent } from '../types.js';
import { batchDecoderFeeds, decoderFeeds, emptyPast, type Feeds } from './decoderFeeds.js';
import type { DecoderGraph } from './describeDecoderGraph.js';
import { float16ToFloat32 } from './float16ToFloat32.js';

/** The part of a transformers.js tokenizer this model uses. */
export interface TextTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  decode(tokenIds: number[], options: { skip_special_tokens: boolean }): string;
}

/** Everything a loaded model is made of; built by the adapter. */
export interface OnnxRuntimeModelParts {
  session: ort.InferenceSession;
  graph: DecoderGraph;
  tokenizer: TextTokenizer;
  info: RuntimeModelInfo;
  /** The model folder, whose tokenizer.json `vocabulary()` reads. */
  folder: string;
}

const BACKEND = 'onnxruntime';

/** One loaded decoder: tokenizer, greedy generation with a KV cache, scoring and decode sessions. */
export class OnnxRuntimeModel implements LoadedModel {
  readonly info: RuntimeModelInfo;
  readonly #session: ort.InferenceSession;
  readonly #graph: DecoderGraph;
  readonly #tokenizer: TextTokenizer;
  readonly #eos: ReadonlySet<number>;
  readonly #presentNames: readonly string[];
  readonly #folder: string;
  #disposed = false;
  /** The open decode session, ended before any other work on the model. */
  #openSession: OnnxRuntimeDecodeSession | null = null;
  #vocabulary: Promise<string[]> | null = null;
  /** Scratch row for the last position's float16 logits as float32 (float16 graphs only). */
  #halfRow: Float32Array | null = null;
  /** The prefix `keepPrefix` evaluated, and its `present.*` outputs as `past_key_values.*` feeds (never disposed by a generation). */
  readonly #kept = new KeptPrefix();
  #keptPast: Feeds = {};

  constructor(parts: OnnxRuntimeModelParts) {
    this.info = parts.info;
    this.#session = parts.session;
    this.#graph = parts.graph;
    this.#tokenizer = parts.tokenizer;
    this.#eos = new Set(parts.info.eosTokenIds);
    this.#presentNames = parts.graph.kv.map((slot) => slot.present);
    this.#folder = parts.folder;
  }

  /**
   * Tokenizes without the tokenizer's special tokens, then prepends `info.bosTokenId` when `addBos` is
   * set and the model has a BOS (the id the tokenizer's own template puts first). The template's other
   * additions (an EOS suffix, for example) are never added.
   */
  async tokenize(text: string, options: { addBos: boolean }): Promise<number[]> {
    const ids = this.#tokenizer.encode(text, { add_special_tokens: false });
    return options.addBos && this.info.bosTokenId !== null ? [this.info.bosTokenId, ...ids] : ids;
  }

  /** Decodes ids as the tokenizer does by default: special tokens are kept in the text. */
  async detokenize(tokenIds: number[]): Promise<string> {
    if (tokenIds.length === 0) return '';
    return this.#tokenizer.decode(tokenIds, { skip_special_tokens: false });
  }

  async *generate(request: GenerateRequest): AsyncGenerator<TokenEvent> {
    const { promptTokenIds, maxNewTokens, ignoreEos } = request;
    this.#checkOpen();
    if (promptTokenIds.length === 0) throw new WorkloadError('generate: the prompt must hold at least one token (BOS)');
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new WorkloadError(`generate: maxNewTokens must be a whole number ≥ 0, got ${maxNewTokens}`);
    checkTokenIds('generate', promptTokenIds, maxNewTokens, this.info);
    await this.#endSession();
    if (maxNewTokens === 0) return;
    if (this.#graph.kv.length > 0) yield* this.#generateWithCache(promptTokenIds, maxNewTokens, ignoreEos);
    else yield* this.#generateWithoutCache(promptTokenIds, maxNewTokens, ignoreEos);
  }

  /**
   * Runs `tokenIds` in one prefill and keeps their `present.*` outputs: a generation whose prompt extends
   * them starts from these tensors (fed as they are; ONNX Runtime never writes its inputs) and runs only
   * the rest of its prompt. Needs a graph with a KV cache.
   */
  async keepPrefix(tokenIds: number[]): Promise<void> {
    this.#checkOpen();
    if (this.#graph.kv.length === 0) {
      throw new BackendRuntimeError(BACKEND, 'this graph has no past_key_values inputs (no-cache mode): it cannot keep a prefix in a KV cache');
    }
    KeptPrefix.check(tokenIds);
    checkTokenIds('keepPrefix', tokenIds, 1, this.info);
    await this.#endSession();
    this.#dropKept();
    const past = emptyPast(this.#graph);
    const outputs = await this.#run(decoderFeeds(this.#graph, tokenIds, 0, past));
    this.#keptPast = advancePast(this.#graph, this.#presentNames, outputs, past);
    this.#kept.set(tokenIds);
  }

  async *#generateWithCache(prompt: number[], maxNewTokens: number, ignoreEos: boolean): AsyncGenerator<TokenEvent> {
    const cachedTokens = this.#kept.reusableBy(prompt);
    const kept = this.#keptPast;
    let past = cachedTokens > 0 ? kept : emptyPast(this.#graph);
    let stepIds = prompt.slice(cachedTokens);
    let pastLength = cachedTokens;
    try {
      for (let produced = 0; produced < maxNewTokens; produced++) {
        const outputs = await this.#run(decoderFeeds(this.#graph, stepIds, pastLength, past));
        const token = this.#argmaxLastRow(outputs['logits']!);
        const time = performance.now();
        // The kept prefix's tensors outlive the generation.
        past = advancePast(this.#graph, this.#presentNames, outputs, past === kept ? {} : past);
        yield { tokenIds: [token], time, ...(produced === 0 ? { cachedTokens } : {}) };
        if (!ignoreEos && this.#eos.has(token)) return;
        pastLength += stepIds.length;
        stepIds = [token];
      }
    } finally {
      if (past !== kept) disposeAll(past);
    }
  }

  /**
   * A static batch: the prompts (all of one length) prefilled in one run with a batch dimension, then one
   * token per sequence per run against the batch's KV cache, argmax per row. A request with fewer new
   * tokens than another stops being handed over when it has them.
   */
  async *generateBatch(requests: readonly BatchRequest[]): AsyncGenerator<BatchTokenEvent> {
    this.#checkOpen();
    if (requests.length === 0) return;
    if (this.#graph.kv.length === 0) throw new BackendRuntimeError(BACKEND, 'this graph has no past_key_values inputs (no-cache mode): it cannot decode a batch');
    const length = requests[0]!.promptTokenIds.length;
    requests.forEach((request, i) => {
      if (request.promptTokenIds.length !== length) {
        throw new WorkloadError(`generateBatch: a static batch needs prompts of one length; request ${i} has ${request.promptTokenIds.length} tokens, request 0 ${length}`);
      }
      if (length === 0) throw new WorkloadError('generateBatch: the prompt must hold at least one token (BOS)');
      checkTokenIds('generateBatch', request.promptTokenIds, request.maxNewTokens, this.info);
    });
    await this.#endSession();
    const steps = Math.max(...requests.map((r) => r.maxNewTokens));
    let past = emptyPast(this.#graph, requests.length);
    let rows: number[][] = requests.map((r) => [...r.promptTokenIds]);
    let pastLength = 0;
    try {
      for (let step = 0; step < steps; step++) {
        const outputs = await this.#run(batchDecoderFeeds(this.#graph, rows, pastLength, past));
        const tokens = this.#argmaxRows(outputs['logits']!, requests.length);
        const time = performance.now();
        past = advancePast(this.#graph, this.#presentNames, outputs, past);
        for (let b = 0; b < requests.length; b++) {
          if (step < requests[b]!.maxNewTokens) yield { request: b, tokenIds: [tokens[b]!], time, ...(step === 0 ? { cachedTokens: 0 } : {}) };
        }
        pastLength += rows[0]!.length;
        rows = tokens.map((token) => [token]);
      }
    } finally {
      disposeAll(past);
    }
  }

  /** Greedy token of each row's last position of [batch, positions, vocab] logits. */
  #argmaxRows(logits: ort.Tensor, batch: number): number[] {
    const vocab = logits.dims[logits.dims.length - 1]!;
    const positions = logits.size / (batch * vocab);
    const tokens: number[] = [];
    for (let b = 0; b < batch; b++) {
      const offset = (b * positions + positions - 1) * vocab;
      if (logits.data instanceof Uint16Array) {
        const row = this.#halfRow?.length === vocab ? this.#halfRow : (this.#halfRow = new Float32Array(vocab));
        tokens.push(argmax(float16ToFloat32(logits.data.subarray(offset, offset + vocab), row), 0, vocab));
      } else {
        tokens.push(argmax(logits.data as ArrayLike<number>, offset, vocab));
      }
    }
    return tokens;
  }

  #dropKept(): void {
    this.#kept.clear();
    disposeAll(this.#keptPast);
    this.#keptPast = {};
  }

  async *#generateWithoutCache(prompt: number[], maxNewTokens: number, ignoreEos: boolean): AsyncGenerator<TokenEvent> {
    const sequence = [...prompt];
    for (let produced = 0; produced < maxNewTokens; produced++) {
      const outputs = await this.#run(decoderFeeds(this.#graph, sequence, 0, {}));
      const token = this.#argmaxLastRow(outputs['logits']!);
      const time = performance.now();
      disposeAll(outputs);
      yield { tokenIds: [token], time };
      if (!ignoreEos && this.#eos.has(token)) return;
      sequence.push(token);
    }
  }

  /**
   * One forward pass over context + continuation (empty KV cache); continuation token i is read from
   * the logits row at position `context.length + i − 1`.
   */
  async score(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    this.#checkOpen();
    if (contextTokenIds.length === 0) throw new WorkloadError('score: the context must hold at least one token (BOS)');
    const ids = [...contextTokenIds, ...continuationTokenIds];
    checkTokenIds('score', ids, 0, this.info);
    await this.#endSession();
    if (continuationTokenIds.length === 0) return { logprobs: [], isGreedy: true };
    const past = emptyPast(this.#graph);
    const outputs = await this.#run(decoderFeeds(this.#graph, ids, 0, past));
    disposeAll(past);
    try {
      const logits = outputs['logits']!;
      const vocab = this.info.vocabSize;
      if (logits.dims.length !== 3 || logits.dims[1] !== ids.length || logits.dims[2] !== vocab) {
        throw new BackendRuntimeError(BACKEND, `score needs logits for every position: got shape [${logits.dims.join(', ')}] for ${ids.length} tokens`);
      }
      const row = this.#graph.logitsType === 'float16' ? new Float32Array(vocab) : null;
      return scoreContinuation(contextTokenIds.length, continuationTokenIds, (position, token) => {
        const offset = position * vocab;
        return row
          ? logSoftmaxAt(float16ToFloat32((logits.data as Uint16Array).subarray(offset, offset + vocab), row), 0, vocab, token)
          : logSoftmaxAt(logits.data as Float32Array, offset, vocab, token);
      });
    } finally {
      disposeAll(outputs);
    }
  }

  /**
   * Prefills `promptTokenIds` in one run; each `push` then runs one token against the KV cache (or, in
   * no-cache mode, the whole sequence again). Ends the session open before.
   */
  async openSession(promptTokenIds: number[]): Promise<DecodeSession> {
    this.#checkOpen();
    if (promptTokenIds.length === 0) throw new WorkloadError('openSession: the prompt must hold at least one token (BOS)');
    checkTokenIds('openSession', promptTokenIds, 0, this.info);
    await this.#endSession();
    const session = new OnnxRuntimeDecodeSession(this.#graph, this.info, (feeds) => this.#run(feeds));
    this.#openSession = session;
    await session.open(promptTokenIds);
    return session;
  }

  /** tokenizer.json's tokens by id (read once). */
  async vocabulary(): Promise<string[]> {
    this.#checkOpen();
    this.#vocabulary ??= readTokenizerVocabulary(this.#folder);
    return [...(await this.#vocabulary)];
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#endSession();
    this.#dropKept();
    await this.#session.release();
  }

  async #endSession(): Promise<void> {
    const open = this.#openSession;
    this.#openSession = null;
    await open?.supersede();
  }

  async #run(feeds: Feeds): Promise<ort.InferenceSession.ReturnType> {
    try {
      return await this.#session.run(feeds);
    } catch (error) {
      throw new BackendRuntimeError(BACKEND, `inference failed: ${firstLine(error)}`, { cause: error });
    }
  }

  /** Greedy token: index of the highest logit of the last position (ties go to the lowest id). */
  #argmaxLastRow(logits: ort.Tensor): number {
    const vocab = logits.dims[logits.dims.length - 1]!;
    const row = lastRow(logits, vocab, () => (this.#halfRow?.length === vocab ? this.#halfRow : (this.#halfRow = new Float32Array(vocab))));
    return argmax(row.values, row.offset, vocab);
  }

  #checkOpen(): void {
    if (this.#disposed) throw new BackendRuntimeError(BACKEND, 'the model was disposed');
  }
}

function disposeAll(values: Record<string, ort.OnnxValue>): void {
  for (const value of Object.values(values)) value.dispose();
}

/**
 * The next step's `past_key_values.*` feeds: this run's `present.*` outputs; every other output and the
 * previous past are disposed.
 */
function advancePast(graph: DecoderGraph, presentNames: readonly string[], outputs: ort.InferenceSession.ReturnType, past: Feeds): Feeds {
  const next: Feeds = {};
  for (const slot of graph.kv) next[slot.past] = outputs[slot.present]!;
  disposeExcept(outputs, presentNames);
  disposeAll(past);
  return next;
}

/**
 * The last position's logits as float32 values from `offset`: the tensor's own data, or for float16
 * logits their conversion into the scratch row `scratch()` gives.
 */
function lastRow(logits: ort.Tensor, vocab: number, scratch: () => Float32Array): { values: ArrayLike<number>; offset: number } {
  const offset = logits.size - vocab;
  if (logits.data instanceof Uint16Array) return { values: float16ToFloat32(logits.data.subarray(offset, offset + vocab), scratch()), offset: 0 };
  return { values: logits.data as ArrayLike<number>, offset };
}

function disposeExcept(values: Record<string, ort.OnnxValue>, keep: readonly string[]): void {
  for (const [name, value] of Object.entries(values)) if (!keep.includes(name)) value.dispose();
}

/**
 * One decode session of an {@link OnnxRuntimeModel}: its own KV cache (the `present.*` outputs of its last
 * run), or in no-cache mode the token sequence so far.
 */
class OnnxRuntimeDecodeSession extends DecodeSessionBase {
  #past: Feeds;
  /** The tokens so far, kept only in no-cache mode (each step re-runs them all). */
  #sequence: number[] = [];
  /** Scratch row for float16 logits as float32. */
  #halfRow: Float32Array | null = null;
  readonly #presentNames: readonly string[];

  constructor(
    private readonly graph: DecoderGraph,
    info: RuntimeModelInfo,
    private readonly run: (feeds: Feeds) => Promise<ort.InferenceSession.ReturnType>,
  ) {
    super({
      backend: BACKEND,
      vocabSize: info.vocabSize,
      maxLength: info.contextLength,
      maxLengthReason: `the model's context is ${info.contextLength} tokens`,
    });
    this.#past = graph.kv.length > 0 ? emptyPast(graph) : {};
    this.#presentNames = graph.kv.map((slot) => slot.present);
  }

  protected async evaluate(tokenIds: readonly number[], pastLength: number): Promise<void> {
    const cached = this.graph.kv.length > 0;
    const sequence = cached ? tokenIds : [...this.#sequence, ...tokenIds];
    const outputs = await this.run(decoderFeeds(this.graph, sequence, cached ? pastLength : 0, this.#past));
    try {
      this.#readLastRow(outputs['logits']);
    } catch (error) {
      disposeAll(outputs);
      throw error;
    }
    if (cached) {
      this.#past = advancePast(this.graph, this.#presentNames, outputs, this.#past);
    } else {
      disposeAll(outputs);
      this.#sequence = [...sequence];
    }
  }

  protected async release(): Promise<void> {
    disposeAll(this.#past);
    this.#past = {};
    this.#sequence = [];
  }

  /** Writes the log-softmax of the last position's logits into `logprobs`. */
  #readLastRow(logits: ort.Tensor | undefined): void {
    const vocab = this.limits.vocabSize;
    if (!logits || logits.dims.at(-1) !== vocab) {
      throw new BackendRuntimeError(BACKEND, `decode session expected logits over ${vocab} tokens, got shape [${logits?.dims.join(', ') ?? ''}]`);
    }
    const row = lastRow(logits, vocab, () => (this.#halfRow ??= new Float32Array(vocab)));
    logSoftmax(row.values, row.offset, vocab, this.logprobs);
  }
}
