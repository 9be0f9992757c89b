/**
 * The contract every backend adapter implements. The harness computes every latency metric from the
 * token events an adapter yields, with the same code for every backend, so an adapter's only timing duty
 * is to take `performance.now()` at the moment its backend hands a token over.
 */
import type { z } from 'zod';
import type { MatrixEntry } from '../harness/matrix/MatrixEntry.js';

/** One hand-over of output tokens from the backend. */
export interface TokenEvent {
  /** Token ids handed over at this moment (one per event for streaming backends). */
  tokenIds: number[];
  /** `performance.now()` (ms) taken where the backend handed the tokens over. */
  time: number;
  /**
   * ln p of each token of `tokenIds` under the model's next-token distribution at its position; present
   * only when the request asked for `logprobs` and the adapter's `capabilities.generationLogprobs` is true.
   */
  logprobs?: number[];
}

/** A request for a fixed-length greedy generation. */
export interface GenerateRequest {
  /** The prompt as token ids, BOS included where the model uses one. Must not be empty. */
  promptTokenIds: number[];
  /** Exactly this many tokens are generated. */
  maxNewTokens: number;
  /**
   * When true (the harness always sets it for benchmark runs), end-of-sequence tokens do not stop
   * generation: the backend keeps going until `maxNewTokens`. The harness records where the model would
   * have stopped from the token ids.
   */
  ignoreEos: boolean;
  /**
   * Also report each generated token's log-probability in `TokenEvent.logprobs`, where the adapter can
   * (`capabilities.generationLogprobs`): cheaper than a decode session when only the chosen tokens'
   * probabilities are needed (the cascade's `meanLogprob` and `minProb` signals). Default: false.
   */
  logprobs?: boolean;
}

/** Per-token log-probabilities of a continuation given a context (natural log). */
export interface ScoreResult {
  /** `logprobs[i]` = ln p(continuation[i] | context, continuation[0..i-1]). */
  logprobs: number[];
  /** True when every continuation token is the argmax at its position (the greedy continuation). */
  isGreedy: boolean;
}

/** What a loaded model reports about itself at run time. */
export interface RuntimeModelInfo {
  /** Number of entries in the output distribution. */
  vocabSize: number;
  /** The model's trained context length in tokens (0 when unknown). */
  contextLength: number;
  /** Beginning-of-sequence token id, or null when the model has none. */
  bosTokenId: number | null;
  /** Token ids that end a sequence. */
  eosTokenIds: number[];
  /**
   * Options as the backend resolved them (for example flash attention `auto` → `true`, thread count
   * `auto` → 1); recorded in the result beside the requested options.
   */
  resolvedOptions: Record<string, unknown>;
  /** How tokens are handed over: `stream` (one event per token) or `batch`. */
  tokenHandover: 'stream' | 'batch';
  /** Where the model runs, e.g. `cpu`, `cuda`. */
  device: string;
  /**
   * Present only when the model runs outside this process, on a server reached over HTTP (the `remote`
   * backend). Its memory and energy are the server's, which slmbench does not see: the harness must
   * report them as not measured (null, with a reason), never as zero. Absent for local backends. The
   * adapter updates the counters as generations run; read it after the measured loop.
   */
  remote?: RemoteModelInfo;
  /**
   * Present only for a composite model (`cascade`, `ensemble`): its stages and a record of every request
   * it served, which the worker slices into the measured loop and the accuracy tasks. Absent otherwise.
   */
  composite?: CompositeModelInfo;
}

/**
 * One stage of a composite backend as the config gives it, after the matrix resolved it: the model (spec
 * as written, absolute path — for `forge:`/`hf:` the resolved files, for `remote:NAME` the spec — and
 * display name) and a non-composite backend with its options, defaults filled in: the same shapes as a
 * matrix entry's.
 */
export type CompositeStageSpec = Pick<MatrixEntry, 'model' | 'backend'>;

/** What a composite model reports about itself. */
export interface CompositeModelInfo {
  kind: 'cascade' | 'ensemble';
  /** Stages in order, with what each loaded model reported. */
  stages: Array<{
    name: string;
    backend: string;
    /** Versions of the stage backend's packages. */
    versions: BackendVersions;
    resolvedOptions: Record<string, unknown>;
    device: string;
    vocabSize: number;
    /** True when the stage's model is served over HTTP (its memory and energy are not measured). */
    remote: boolean;
  }>;
  /**
   * Every request served, in order: one per `generate` call and one per `score` call. Grows as the model
   * is used; the worker reads `requests.length` before and after a phase to slice it.
   */
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
}

/** What a model served over HTTP reports beside {@link RuntimeModelInfo}'s usual fields. */
export interface RemoteModelInfo {
  /** The server's root URL (never holds a key: keys come from an environment variable). */
  baseUrl: string;
  /** The server as it names itself (`llama.cpp b6097-9515c613`, `vLLM 0.10.1`, `Ollama 0.11.4`), or null. */
  server: string | null;
  /** Always false: neither the server's memory nor its energy is measured by slmbench. */
  measuresModelResources: false;
  /**
   * Prompt token ids: `server` (the model's own, from the server's `/tokenize`) or `bytes` (the server
   * cannot tokenize: the ids stand for the prompt's UTF-8 bytes, so the prompt's "token" count is its
   * length in bytes; use {@link RemoteModelInfo.serverPromptTokens} for prefill rates).
   */
  promptTokenIds: 'server' | 'bytes';
  /**
   * Output token ids: `server` (every token's id came in the stream) or `pseudo` (negative stand-ins: one
   * per streamed chunk of text, the chunk's text interned, plus one per token the usage block counted
   * beyond the chunks; see `adapters/remote/PseudoVocabulary.ts`). The count of tokens is exact either
   * way (usage.completion_tokens); only their ids are made up.
   */
  outputTokenIds: 'server' | 'pseudo';
  /** Prompt tokens as the server counted them (usage.prompt_tokens) in the last generation; null before one. */
  serverPromptTokens: number | null;
  /** Generation requests made (warmup, measured and accuracy tasks alike), failed ones included. */
  generations: number;
  /** Tries repeated after a failure (timeout, cut connection, 5xx), over all requests. */
  retries: number;
  /**
   * Tokens the usage block counted that came without a chunk of their own (coalesced chunks, tokens
   * without text), over all generations; each was stamped with the time of the generation's last chunk,
   * and `tokenHandover` is then `batch`.
   */
  unattributedTokens: number;
  /** Generations that the server ended before the requested count (it did not honour `ignore_eos`). */
  shortOutputs: number;
  /** Whether such shorter generations are accepted (the `allowShortOutput` option) rather than errors. */
  allowShortOutput: boolean;
}

/** A model loaded by a backend, ready to tokenize, generate and score. */
export interface LoadedModel {
  readonly info: RuntimeModelInfo;
  /** Tokenizes text with the model's own tokenizer; `addBos` prepends BOS where the model has one. */
  tokenize(text: string, options: { addBos: boolean }): Promise<number[]>;
  /** Turns token ids back into text. */
  detokenize(tokenIds: number[]): Promise<string>;
  /** Generates exactly `maxNewTokens` greedy tokens, yielding each hand-over with its timestamp. */
  generate(request: GenerateRequest): AsyncIterable<TokenEvent>;
  /**
   * Per-token natural-log probabilities of `continuationTokenIds` after `contextTokenIds`.
   * Present when the adapter's `capabilities.scoring` is true.
   */
  score?(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult>;
  /**
   * Evaluates `promptTokenIds` (not empty) and returns a session positioned after them, holding the whole
   * next-token distribution: what composite backends (`cascade`, `ensemble`) decode with. One session at
   * a time per model: opening another, or calling `generate`/`score`, ends the open one. Present when the
   * adapter's `capabilities.stepwise` is true.
   */
  openSession?(promptTokenIds: number[]): Promise<DecodeSession>;
  /**
   * The model's tokens by id as its tokenizer stores them (GGUF `tokenizer.ggml.tokens`, the vocabulary
   * of tokenizer.json: `▁the`, `Ġthe`, `<0x0A>`), so that two models' vocabularies can be compared
   * entry by entry. Present when `capabilities.stepwise` is true.
   */
  vocabulary?(): Promise<string[]>;
  /** Frees the model and everything the backend allocated for it. */
  dispose(): Promise<void>;
}

/**
 * Step-by-step greedy-or-not decoding over the whole next-token distribution (natural-log probabilities,
 * computed in float32 from the backend's logits with a max-subtracted log-softmax).
 */
export interface DecodeSession {
  /**
   * ln p(token | prompt, pushed tokens) for every token id (length `info.vocabSize`), for the next
   * position. Valid until the next `push` or `close` (backends may reuse the buffer).
   */
  readonly logprobs: Float32Array;
  /** Tokens in the session so far (prompt included). */
  readonly length: number;
  /** Appends one token and computes the next distribution. */
  push(tokenId: number): Promise<void>;
  /** Ends the session and frees its cache. Idempotent. */
  close(): Promise<void>;
}

/** What an adapter can do; suites skip backends that lack a capability, with the reason. */
export interface AdapterCapabilities {
  /** Whether `LoadedModel.score` is implemented. */
  scoring: boolean;
  /** Whether `LoadedModel.openSession` and `LoadedModel.vocabulary` are implemented. */
  stepwise?: boolean;
  /** Whether `generate` honours `GenerateRequest.logprobs`. Default: false. */
  generationLogprobs?: boolean;
  /** Model formats this backend loads. */
  formats: readonly ModelFormat[];
}

/**
 * Model formats slmbench recognises. `remote` is a model served over HTTP (`remote:NAME`): no local
 * file, read only by the `remote` backend. `composite` is the model of a composite backend (`cascade`,
 * `ensemble`): its stages' models, listed in the backend's options.
 */
export type ModelFormat = 'gguf' | 'onnx' | 'transformers-js' | 'remote' | 'composite';

/** A model source resolved to local files (or, for `remote`, the `remote:NAME` spec itself). */
export interface ModelSource {
  /** Absolute path of the model file or folder; the `remote:NAME` spec for `remote`. */
  path: string;
  /** Detected format. */
  format: ModelFormat;
}

/** What the harness tells an adapter about the coming workload. */
export interface LoadHints {
  /** Tokens the entry needs in context at most (prompt + generated); for sizing caches. */
  requiredContext?: number;
  /** The entry also runs accuracy tasks: size the context to the model's full trained length. */
  fullContext?: boolean;
}

/** Package versions a backend runs on, e.g. `{ 'node-llama-cpp': '3.21.1', 'llama.cpp': 'b6000' }`. */
export type BackendVersions = Record<string, string>;

/**
 * A backend implementation. `TOptions` is the parsed (single-valued) option object of this backend.
 */
export interface Adapter<TOptions = Record<string, unknown>> {
  readonly id: string;
  readonly capabilities: AdapterCapabilities;
  /** Versions of the packages and runtimes behind this backend. */
  versions(): Promise<BackendVersions>;
  /**
   * Loads a model. Throws `SlmbenchError` subclasses for bad input (missing files, wrong format).
   * `hints` carries what the harness knows of the workload; adapters may ignore it.
   */
  load(model: ModelSource, options: TOptions, hints?: LoadHints): Promise<LoadedModel>;
}

/**
 * What a backend folder exports as its default: light enough to import eagerly (zod only), with the
 * heavy implementation behind `create()`.
 */
export interface BackendDefinition<TSchema extends z.ZodObject = z.ZodObject> {
  /** Backend id as written in configs and on the command line. */
  readonly id: string;
  /** One-line description for `--help` and listings. */
  readonly description: string;
  /** Model formats the backend loads. */
  readonly formats: readonly ModelFormat[];
  /** Schema of one option set; every field optional, with its default documented. */
  readonly optionsSchema: TSchema;
  /**
   * True for composite backends (`cascade`, `ensemble`), which run other backends' models listed in their
   * `stages` option (`[{ model, backend }]`). Their entries are not crossed with `sweep.models`: the matrix
   * makes one entry per option combination and workload, whose model is the composite; it resolves each
   * stage (model path, the stage backend's options with defaults) into a {@link CompositeStageSpec}.
   * Default: false.
   */
  readonly composite?: boolean;
  /** Loads the implementation (imports the backend's package). */
  create(): Promise<Adapter<z.output<TSchema>>>;
}
