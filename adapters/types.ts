/**
 * The contract every backend adapter implements. The harness computes every latency metric from the
 * token events an adapter yields, with the same code for every backend, so an adapter's only timing duty
 * is to take `performance.now()` at the moment its backend hands a token over.
 */
import type { z } from 'zod';

/** One hand-over of output tokens from the backend. */
export interface TokenEvent {
  /** Token ids handed over at this moment (one per event for streaming backends). */
  tokenIds: number[];
  /** `performance.now()` (ms) taken where the backend handed the tokens over. */
  time: number;
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
  /** Frees the model and everything the backend allocated for it. */
  dispose(): Promise<void>;
}

/** What an adapter can do; suites skip backends that lack a capability, with the reason. */
export interface AdapterCapabilities {
  /** Whether `LoadedModel.score` is implemented. */
  scoring: boolean;
  /** Model formats this backend loads. */
  formats: readonly ModelFormat[];
}

/** Model formats slmbench recognises. */
export type ModelFormat = 'gguf' | 'onnx' | 'transformers-js';

/** A model source resolved to local files. */
export interface ModelSource {
  /** Absolute path of the model file or folder. */
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
  /** Loads the implementation (imports the backend's package). */
  create(): Promise<Adapter<z.output<TSchema>>>;
}
