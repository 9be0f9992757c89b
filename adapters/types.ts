/**
 * The contract every backend implements. The harness computes every latency metric from the token events
 * a loaded model yields, with the same code for every backend, so a backend's only timing duty is to take
 * `performance.now()` at the moment it hands a token over. Everything else the harness needs to know of a
 * backend is stated here, never guessed from option names: the formats it reads (with their detectors and
 * inspectors), the weights file it actually loaded, the bytes of its KV-cache elements, which processes
 * hold the model and whether memory and energy can be measured there, and the packages it runs on.
 * Backend-specific facts travel through {@link LoadedModel.endPhase} and
 * {@link BackendDefinition.describeEntry}, so the core types name no particular backend.
 */
import type { Launcher } from '../harness/runner/launchers/Launcher.js';
import type { z } from 'zod';
import type { DecodeFacts } from './formats/DecodeFacts.js';
import type { ModelRecord } from './formats/ModelRecord.js';

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
  /**
   * The prompt's length in tokens as the backend itself counted it, when that is not the length of
   * `promptTokenIds` (a server that tokenizes the prompt text itself); set on any event of the generation,
   * the harness reads the last one given. Prefill rates use it. Default: `promptTokenIds.length`.
   */
  promptTokens?: number;
  /**
   * Leading prompt tokens the backend took from the prefix kept by {@link LoadedModel.keepPrefix} instead
   * of evaluating them; set on the first event by backends that keep prefixes (0 when the prompt did not
   * start with the kept prefix). The harness checks it against the prefix it kept, so a depth or
   * cached-TTFT figure is never one of a full prefill unknowingly. Default: 0.
   */
  cachedTokens?: number;
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

/** One request of a batch (`LoadedModel.generateBatch`). */
export interface BatchRequest extends GenerateRequest {
  /**
   * `performance.now()` (ms) before which the request must not start: its arrival. A continuous batcher
   * starts it then, joining the sequences already decoding; a static batcher ignores it (the harness hands
   * it a batch of requests that have all arrived). Default: now.
   */
  startAt?: number;
}

/** A hand-over of one request of a batch. */
export interface BatchTokenEvent extends TokenEvent {
  /** Index of the request in the batch. */
  request: number;
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
  /**
   * The load's phases (ms, in order) where the backend can tell them apart: llama.cpp `runtime` (its
   * native library, once per process), `model` (read/map the GGUF, build the model) and `context` (the KV
   * cache and compute buffers); onnxruntime `session` (read and initialise the graph) and `tokenizer`;
   * transformers.js `tokenizer` and `model`. Their sum is at most the harness's `loadMs`, which times the
   * whole `load()`; the first call after it is `coldTtftMs`. Default: not split.
   */
  loadPhasesMs?: Record<string, number>;
  /** How tokens are handed over: `stream` (one event per token) or `batch`. */
  tokenHandover: 'stream' | 'batch';
  /** Where the model runs, e.g. `cpu`, `cuda`, `remote`. */
  device: string;
  /**
   * Absolute path of the weights file the backend reads (for a folder, the file inside it that it loaded,
   * e.g. `…/onnx/model_q4.onnx`): the decode roofline counts the bytes of this file. Null when no local file
   * holds the weights (a served model) or several do (a composite).
   */
  weightsFile: string | null;
  /**
   * Bytes per KV-cache element as the backend stores them (f32 4, f16 2, q8_0 34/32, q4_0 18/32); null
   * when the model has no KV cache or the backend does not say.
   */
  kvBytesPerElement: number | null;
  /**
   * Process ids that hold the model and do its work, for memory and energy: the launcher samples their
   * resident memory and the energy estimate counts their CPU time. Default: the process that loaded the
   * model. A backend that starts a helper process (a server, a browser) lists it; a model served
   * elsewhere lists none, and no energy is metered here.
   */
  processIds?: readonly number[];
  /** NVIDIA GPUs (indices) the model computes on: their energy and per-process memory are measured. Default: none. */
  gpus?: readonly number[];
  /**
   * What the processes measured here cannot measure of the model, and why: `memory`, `energy`. A metric
   * with a reason is reported as not measured (its figure kept for reference, never ranked). Default:
   * both measured.
   */
  notMeasured?: { memory?: string; energy?: string };
}

/** The phases of an entry's work in a worker, in order: warmup (discarded), the measured loop, accuracy tasks. */
export type WorkPhase = 'warmup' | 'measured' | 'quality';

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
   * Per-token natural-log probabilities of `continuationTokenIds` after `contextTokenIds`. Absent when the
   * backend cannot score (accuracy tasks that need it are then skipped, with the reason).
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
  /**
   * Evaluates `tokenIds` (not empty; BOS first where the model has one) into the KV cache and keeps them:
   * a later `generate` whose prompt starts with exactly these tokens (and is longer) evaluates only the
   * rest, against a copy of the kept cache, and says so in `TokenEvent.cachedTokens`. It is how a
   * workload's `depth` (history already in the cache) and a cached first token (a shared prefix kept,
   * as a chat turn or a server's prompt cache) are measured. Keeping another prefix replaces the kept
   * one; `score` and `openSession` may drop it (then `generate` reports 0 cached tokens). Present when
   * the adapter's `capabilities.prefixCache` is true.
   */
  keepPrefix?(tokenIds: number[]): Promise<void>;
  /**
   * Ends a phase of work and returns what the backend wants recorded of it: JSON-serialisable and
   * backend-specific (a composite's request log since the last call, a server's counters). The harness
   * calls it at the end of each phase that ran and hands every process's reports to
   * {@link BackendDefinition.describeEntry}. Optional: most backends record nothing.
   */
  endPhase?(phase: WorkPhase): unknown;
  /**
   * A model that routes each request to one of several models (a cascade's stages, in order): the worker
   * runs the accuracy tasks on every route alone too, and with `lastRoute` (the route that answered the
   * last request) learns which answered each row, for the oracle bound ({@link oracleRouting}). Optional.
   */
  readonly routing?: { routes: ReadonlyArray<{ name: string; model: LoadedModel }>; lastRoute(): number | null };
  /**
   * Generates several fixed-length greedy requests together, yielding each request's hand-overs (tagged
   * with its index) with their timestamps; every request produces exactly its `maxNewTokens`, and its ids
   * equal what `generate` gives it alone. At most `LoadHints.concurrency` requests. A static batcher
   * (`capabilities.batching: 'static'`) needs prompts of one length. Present when `capabilities.batching`
   * is set.
   */
  generateBatch?(requests: readonly BatchRequest[]): AsyncIterable<BatchTokenEvent>;
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

/** What an adapter can do before any model is loaded. */
export interface AdapterCapabilities {
  /** Whether loaded models implement `openSession` and `vocabulary`. Default: false. */
  stepwise?: boolean;
  /** Whether `generate` honours `GenerateRequest.logprobs`. Default: false. */
  generationLogprobs?: boolean;
  /** Whether loaded models implement `keepPrefix` (workloads with `depth`, `cachedTtftMs`). Default: false. */
  prefixCache?: boolean;
  /**
   * How loaded models batch concurrent requests (`generateBatch`): `continuous` (a request joins the
   * sequences already decoding when it arrives), `static` (one batch at a time, formed before it starts);
   * absent: not at all (the harness runs concurrent requests one after another and records that).
   */
  batching?: 'continuous' | 'static';
}

/** A model format's id as results record it: `gguf`, `onnx`, `transformers-js`, `remote`, or a backend's own. */
export type ModelFormat = string;

/** A model resolved to local files (or, for a format read through a scheme, the spec itself), with its format. */
export interface ModelSource {
  /** Absolute path of the model file or folder; the spec (`remote:NAME`) for a format with a scheme. */
  path: string;
  /** Its format's id, detected once before the sweep. */
  format: ModelFormat;
}

/** What the harness tells an adapter about the coming workload. */
export interface LoadHints {
  /** Tokens the entry needs in context at most (prompt + generated); for sizing caches. */
  requiredContext?: number;
  /** The entry also runs accuracy tasks: size the context to the model's full trained length. */
  fullContext?: boolean;
  /** Requests the entry runs together at most (`generateBatch`); for sizing sequences and caches. Default: 1. */
  concurrency?: number;
}

/** Package versions a backend runs on, e.g. `{ 'node-llama-cpp': '3.21.1', 'llama.cpp': 'b6000' }`. */
export type BackendVersions = Record<string, string>;

/**
 * A backend implementation. `TOptions` is the parsed (single-valued) option object of this backend.
 */
export interface Adapter<TOptions = Record<string, unknown>> {
  readonly capabilities: AdapterCapabilities;
  /** Versions of the packages and runtimes behind this backend. */
  versions(): Promise<BackendVersions>;
  /**
   * Loads a model of one of the backend's formats. Throws `SlmbenchError` subclasses for bad input
   * (missing files, wrong format). `hints` carries what the harness knows of the workload; adapters may
   * ignore it.
   */
  load(model: ModelSource, options: TOptions, hints?: LoadHints): Promise<LoadedModel>;
}

/** What a format's detector sees of an existing path: gathered once, cheaply (a few bytes, one listing). */
export interface ModelPathProbe {
  /** Absolute path. */
  path: string;
  /** A regular file or a folder. */
  kind: 'file' | 'folder';
  /** Bytes of a file (0 for a folder). */
  sizeBytes: number;
  /** The first bytes of a file (up to 8; fewer for a shorter file; empty for a folder). */
  magic: Buffer;
  /** The names of a folder's entries, each with whether it is a folder; empty for a file. */
  entries: ReadonlyArray<{ name: string; folder: boolean }>;
}

/**
 * A model format: how to recognise a model of it, what it is, and what one decode step reads from it.
 * The built-in formats live in `adapters/formats/`; a backend that reads a format of its own brings its
 * definition in its folder and lists it in its `formats`. Importing a definition is cheap: inspection
 * imports its heavy parts only when called.
 */
export interface ModelFormatDefinition {
  /** Format id as results record it. */
  readonly id: ModelFormat;
  /** What a model of this format is, for messages: `a .gguf file (magic "GGUF")`. */
  readonly expects: string;
  /**
   * For models named by a spec rather than a path: the spec's scheme (`remote` for `remote:NAME`). Such a
   * model is never probed on disk, and without `inspectFile` nothing is known of its file. Default: none.
   */
  readonly scheme?: string;
  /**
   * Whether an existing path holds a model of this format: `true`; `false`; or a reason why it looks like
   * one and cannot be (a `.gguf` file without the magic), reported when no format claims the path.
   * Required unless `scheme` is set.
   */
  detect?(probe: ModelPathProbe): Promise<boolean | string> | boolean | string;
  /** Identity, shape and storage of a model of this format (sha256, parameters, quantization, …). Default: nothing known. */
  inspectFile?(path: string): Promise<ModelRecord>;
  /**
   * What a decode step reads, for the roofline, from the file the backend loaded (`weightsFile`, the
   * model's own path when null); null when the file does not say. Default: no roofline.
   */
  decodeFacts?(path: string, weightsFile: string | null): Promise<DecodeFacts | null>;
}

/** What {@link BackendDefinition.describeEntry} receives: everything the entry's worker processes reported. */
export interface EntryDescriptionInput {
  /** One per worker process, in order: the model's info after its work, and its {@link LoadedModel.endPhase} reports by phase. */
  processes: ReadonlyArray<{ info: RuntimeModelInfo; phases: Partial<Record<WorkPhase, unknown>> }>;
  /** The measured loops' energy over every process, with its method; null when it was not metered. */
  energy: { joules: number; method: string } | null;
}

/** Backend-specific parts of an ok entry's record. */
export interface EntryDescription {
  /** Fields added to the record's `backend` section (a served model's `remote`). */
  backend?: Record<string, unknown>;
  /** Sections added to the record (a composite's `composite`). */
  record?: Record<string, unknown>;
  /** Metrics added to the record's `metrics` (a cascade's `escalationRate`). */
  metrics?: Record<string, unknown>;
}

/** What {@link BackendDefinition.traps} judges: an entry's settings and the device it ran on. */
export interface TrapContext {
  /** Options as requested (defaults filled in). */
  options: Readonly<Record<string, unknown>>;
  /** Options as the backend resolved them (`RuntimeModelInfo.resolvedOptions`). */
  resolvedOptions: Readonly<Record<string, unknown>>;
  /** Where the model ran (`RuntimeModelInfo.device`: `cpu`, `cuda`, …). */
  device: string;
  /** This machine's logical and physical cores. */
  logicalCores: number;
  physicalCores: number;
}

/** A known trap an entry fell into. */
export interface BackendTrap {
  /** The option, as configs name it (`flashAttention`). */
  setting: string;
  /** Its resolved value. */
  value: unknown;
  /** What it costs, measured or documented, with where the figure comes from. */
  cost: string;
  /** The setting that avoids it, as a config fragment (`flashAttention: false`). */
  fix: string;
}

/** A launcher a backend brings (see {@link BackendDefinition.launcher}). */
export interface LauncherDefinition {
  /** Launcher id, for messages and the record. */
  readonly id: string;
  /** Makes the launcher for one run, over the run's backends. */
  create(registry: readonly BackendDefinition[]): Launcher;
}

/**
 * What a backend folder exports as its default: light enough to import eagerly (zod and format
 * definitions only), with the heavy implementation behind `create()`. Adding a backend is one folder and
 * one line in `adapters/registry.ts`.
 */
export interface BackendDefinition<TSchema extends z.ZodObject = z.ZodObject> {
  /** Backend id as written in configs and on the command line. */
  readonly id: string;
  /** One-line description for `--help` and listings. */
  readonly description: string;
  /** Model formats the backend loads; the matrix pairs a model only with backends that read its format. Empty for a composite. */
  readonly formats: readonly ModelFormatDefinition[];
  /** npm packages the backend runs on, whose versions `slmbench device` lists. */
  readonly packages: readonly string[];
  /** Schema of one option set; every field optional, with its default documented. */
  readonly optionsSchema: TSchema;
  /**
   * Options under which the backend computes in full precision, for parity and fidelity references
   * (llama.cpp: f32 KV cache, flash attention off). Default: none needed (its defaults are exact).
   */
  readonly referenceOptions?: Readonly<Record<string, unknown>>;
  /**
   * How an entry of this backend is run: the id of a built-in launcher (`harness/runner/launchers/`:
   * `process`, a forked Node worker process; `in-process`), or a launcher the backend brings (a browser
   * page, a server it starts), shared by the backends of one folder family. Default: `process`.
   */
  readonly launcher?: string | LauncherDefinition;
  /**
   * True for composite backends (`cascade`, `ensemble`), which run other backends' models listed in their
   * `stages` option (`[{ model, backend }]`). Their entries are not crossed with `sweep.models`: the matrix
   * makes one entry per option combination and workload, whose model is the composite; it resolves each
   * stage (model, the stage backend's options with defaults). Default: false.
   */
  readonly composite?: boolean;
  /**
   * Backend-specific parts of an ok entry's record, built from what its worker processes reported (see
   * {@link EntryDescriptionInput}); runs in the runner, after the entry's processes. Default: none.
   */
  describeEntry?(input: EntryDescriptionInput): Promise<EntryDescription>;
  /**
   * The known performance traps an entry's resolved settings fall into on this device (flash attention
   * on for CPU decoding, as many threads as cores on a small machine, …), each with its measured or
   * documented cost and the setting that avoids it; the runner records them in the entry's `warnings`
   * and the run prints one line each. Runs in the runner, after the entry. Default: none known.
   */
  traps?(context: TrapContext): BackendTrap[];
  /**
   * The settings `slmbench tune` searches on a machine of `logicalCores`: per option, the values to try
   * (their grid is the cartesian product). Only settings that change speed, not what is computed; an option
   * listed in `mayChangeOutputs` is tried too, and a value that changes the greedy ids is reported, never
   * chosen. Default: not tunable.
   */
  tuneSpace?(logicalCores: number): { grid: Record<string, readonly unknown[]>; mayChangeOutputs?: readonly string[] };
  /** Loads the implementation (imports the backend's package). */
  create(): Promise<Adapter<z.output<TSchema>>>;
}
