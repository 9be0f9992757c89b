/** The record of one matrix entry, as appended to `entries.jsonl` and listed in `result.json`. */
import type { EntrySlo } from '../slo/sloAttainment.js';
import type { EntryFidelity } from '../fidelity/measureFidelity.js';
import type { RouteOracle } from '../oracle/oracleRouting.js';
import type { ErrorRecord } from '../errors.js';
import type { MeasuredStats } from '../stats/measuredStats.js';
import type { Stats } from '../stats/summarize.js';
import type { EnergyAmounts, EnergyFigure, EnergyProviderId } from '../trackers/energy/EnergyTypes.js';
import type { TaskResult } from '../../suites/runTask.js';
import type { PreparedModel } from '../model/PreparedModel.js';
import type { EntryComposite } from './EntryComposite.js';

export type { MeasuredStats };

/** Energy of the measured loops (joules attributed to the measured repetitions, and what they amount to): the best total and every provider's figure, each labelled with its method. */
export interface EntryEnergy extends EnergyAmounts {
  /** How the total was obtained, e.g. `rapl`, `rapl + nvidia`, `estimate (cpu-time × W/core + memory)`. */
  method: string;
  /** True when any part is estimated rather than measured. */
  estimated: boolean;
  providers: EnergyProviderId[];
  /** Grid carbon intensity used (gCO2e/kWh). */
  gridIntensity: number;
  /** True when the grid intensity is the default (IEA world average), not configured. */
  gridIntensityDefault: boolean;
  /** Every provider's figure with its inputs, baseline and warnings. */
  figures: EnergyFigure[];
  /** Providers considered and not used, with why. */
  unavailable: Array<{ provider: EnergyProviderId; reason: string }>;
  /** Warnings, e.g. RAPL present but unreadable and how to fix it. */
  warnings: string[];
}

/** `metrics.concurrency`. */
export interface EntryConcurrency {
  /** Requests per round. */
  requests: number;
  /** How they arrived: all at once, or a Poisson process of `rate` requests per second. */
  arrival: 'burst' | { rate: number };
  /** The static batching window (ms). */
  batchWindowMs: number;
  /**
   * How the backend shared the model among them: `continuous` (requests join the running batch),
   * `static` (one batch at a time, later arrivals wait), `sequential` (the backend cannot batch: one
   * request after another).
   */
  batching: 'continuous' | 'static' | 'sequential';
  /** Mean requests per batch over the measured rounds. */
  meanBatchSize: number;
  /**
   * Requests per second within every bound of the run's latency budget: requests within it ÷ the rounds'
   * summed spans (measured rounds after each process's first); null without a budget.
   */
  goodputRps: number | null;
}

/** The memory-bandwidth bound of decoding and how close the measured decode rate came to it. */
export interface EntryRoofline {
  /** Memory bandwidth used (GB/s) and how it was measured. */
  bandwidthGBps: number;
  bandwidthMethod: string;
  /** Weight bytes read per token (not the file size: one embedding row, every other weight). */
  weightBytesPerToken: number;
  /** KV-cache bytes read per token at the mean depth. */
  kvBytesPerToken: number;
  /** Mean KV depth (workload depth + prompt + generated ÷ 2). */
  meanKvDepth: number;
  /** Bandwidth ÷ bytes per token (tokens/s). */
  boundTps: number;
  /** Median decode tokens/s ÷ bound. */
  fraction: number | null;
}
import type { Workload } from '../matrix/MatrixEntry.js';

/** `ok`: measured; `errored`: failed with `error`; `skipped`: not run (with `error` saying why). */
export type EntryStatus = 'ok' | 'errored' | 'skipped';

/** What is known of the model file or folder: the model as prepared before the sweep. */
export type EntryModel = PreparedModel;

/** Latency and throughput statistics over the measured repetitions, and memory and energy figures. */
export interface EntryMetrics {
  /** Cold load time (ms), one sample per worker (backend start-up in a fresh process included). */
  loadMs: Stats;
  /** Prompt tokenization time (ms), one sample. */
  tokenizeMs: Stats;
  /** Time to first token (ms). */
  ttftMs: MeasuredStats;
  /** Mean time per output token after the first (ms); null when one token is generated. */
  tpotMs: MeasuredStats | null;
  /** Inter-token latency over every gap of every repetition after the cold one (ms). */
  itlMs: Stats | null;
  /** Prompt tokens per second of the prefill (prompt tokens ÷ TTFT). */
  prefillTps: MeasuredStats;
  /** Decode tokens per second ((n − 1) ÷ (t(n−1) − t0)). */
  decodeTps: MeasuredStats | null;
  /** Request to last token (ms). */
  e2eMs: MeasuredStats;
  /**
   * Peak resident memory of the worker over load and the speed measurement (bytes): VmHWM where /proc
   * exists, else the sampler's maximum. Accuracy tasks run after it is read.
   */
  peakRssBytes: number;
  /** Maximum RSS seen by the runner's sampler (every 10 ms) over load and the speed measurement (bytes); null if unsampled. */
  peakRssSampledBytes: number | null;
  /** Worker RSS right after loading the model (bytes). */
  rssAfterLoadBytes: number;
  /** Worker RSS before loading the model (bytes): the harness's own share. */
  rssBeforeLoadBytes: number;
  /** The model's resident share after load: RSS after − RSS before (bytes). */
  modelResidentBytes: number;
  /** KV-cache bytes the workload's context implies (prompt + generated tokens, at the backend's KV element type); null when the model does not state its shape. */
  kvCacheBytes: number | null;
  /** GPU memory held by the worker (nvidia-smi, per process); null when no GPU is used. */
  gpuMemoryBytes: number | null;
  /** Size of the model on disk (bytes); null for a `remote` model. */
  modelSizeBytes: number | null;
  /** Energy of the measured loop; null when no provider worked, or when not measured (see `notMeasured`). */
  energy: EntryEnergy | null;
  /**
   * What this entry cannot measure, with why; absent when everything was measured. For a `remote` model
   * (served over HTTP) `memory` and `energy` are the server's, which slmbench does not see: the memory
   * fields then hold the client worker's figures, kept for reference only, and `energy` is null. Rankings
   * and reports treat these metrics as not applicable to the entry (`harness/result/notMeasuredReason.ts`).
   */
  notMeasured?: {
    memory?: string;
    energy?: string;
  };
  /** Decode roofline; null when the bandwidth or the model's shape is unknown. */
  roofline: EntryRoofline | null;
  /**
   * Cascades only: share of requests answered by a later stage than the first, over the accuracy tasks'
   * requests when tasks ran (many prompts), else over the measured loop's (one prompt: 0 or 1). Details
   * per branch in the record's `composite`.
   */
  escalationRate?: number | null;
  /**
   * The privacy axis: the share of requests whose data left this device (`dataLeavesDevice`, 0–1: 0 for a
   * local engine, 1 for a served model, a cascade's measured share sent to its served stage), the share of
   * their prompt tokens (null where not recorded), and how it was decided. Lower is better. Absent in
   * results written before it was recorded.
   */
  privacy?: EntryPrivacy;
  /**
   * The first request after load in each fresh process (its first warmup run, or its first measured one
   * without warmup), one value per process: what a user waits for when the app has just loaded the model.
   * `ttftMs` stays the warm figure. Absent in results written before it was recorded.
   */
  coldTtftMs?: Stats;
  /**
   * Output tokens per second of wall time, what a device serves: per repetition, every request's generated
   * tokens ÷ (its last token − its start); for a concurrent round (`concurrency`), all its requests' tokens
   * ÷ (the round's last token − its start), so batching shows as a higher rate. For a single request it is
   * genTokens ÷ e2eMs. Absent in results written before it was recorded.
   */
  outputTps?: MeasuredStats;
  /**
   * The load's phases where the backend tells them apart (`RuntimeModelInfo.loadPhasesMs`: llama.cpp
   * `runtime`, `model`, `context`; onnxruntime `session`, `tokenizer`; transformers.js `tokenizer`,
   * `model`), one value per process; `loadMs` is the whole load, `coldTtftMs` the first call after it.
   */
  loadPhasesMs?: Record<string, Stats>;
  /**
   * The first token of the same prompt with all of it but its last token (its depth included) already in
   * the KV cache (`measure.cachedTtftRuns` requests per process; prefix length in
   * `measurement.cachedTtft`): a chat client resending its conversation, a server's prompt cache. Absent
   * where the backend keeps no prefix (the measurement says why) or in results written before it.
   */
  cachedTtftMs?: Stats;
  /**
   * A concurrent workload (`workload.concurrency` > 1): the per-request figures above (TTFT, TPOT, decode
   * rate, end-to-end, each request timed from its arrival) are joined by the rounds' aggregate output rate,
   * goodput against the run's latency budget, and how the backend shared the model. Absent for single
   * requests.
   */
  concurrency?: EntryConcurrency;
  /** Against the run's latency budget (`slo`): attainment with its interval, and whether the entry meets it. */
  slo?: EntrySlo;
  /**
   * Accuracy by task and metric (`quality.arc_easy.acc` = `{value, stderr, n, higherIsBetter}`); absent
   * when the entry runs no task.
   */
  quality?: Record<string, Record<string, QualityMetric>>;
  /**
   * Against the run's fidelity reference (`quality.fidelity`, `--fidelity`): KL divergence per position
   * (mean, median, p99, max, nats), top-1 agreement, the reference's top token's Δ ln p, Δ NLL and the
   * perplexity ratio, and the measured greedy ids against the reference's. Absent without fidelity or for
   * an entry that has no next-token distributions (`fidelitySkipped` in the record says why).
   */
  fidelity?: EntryFidelity;
}

/** `metrics.privacy`. */
export interface EntryPrivacy {
  dataLeavesDevice: number;
  promptTokensLeaveDevice: number | null;
  method: string;
}

/** One accuracy metric with its bootstrap standard error. */
export interface QualityMetric {
  value: number;
  /** Bootstrap standard error (seeded); null with fewer than two rows. */
  stderr: number | null;
  /** Rows it is computed from. */
  n: number;
  /** Direction: true for accuracy-like metrics, false for perplexity-like ones. */
  higherIsBetter: boolean;
}

/** Raw samples behind the statistics, one value per measured repetition unless stated. */
export interface EntrySamples {
  loadMs: number[];
  ttftMs: number[];
  tpotMs: number[];
  prefillTps: number[];
  decodeTps: number[];
  e2eMs: number[];
  /** Inter-token latencies, one array per repetition. */
  itlMs: number[][];
  /** The worker process (0, 1, …) of each repetition. */
  process: number[];
  /** The cached-first-token requests' TTFTs (`metrics.cachedTtftMs`), one array per process; absent when not measured. */
  cachedTtftMs?: number[][];
  /** A concurrent workload's rounds, one array per process: output tok/s, span (ms) and batch sizes of each round. */
  rounds?: { outputTps: number[][]; spanMs: number[][]; batchSizes: number[][][] };
}

/** The backend of an entry as recorded. */
export interface EntryBackend {
  id: string;
  /** Version of the backend's main package. */
  version: string | null;
  /** Versions of every package and runtime behind the backend. */
  versions: Record<string, string>;
  /** Options as requested (defaults filled in). */
  options: Record<string, unknown>;
  /** Options as the backend resolved them (e.g. `auto` threads → a number). */
  resolvedOptions: Record<string, unknown> | null;
  /** Where the model ran. */
  device: string | null;
  /**
   * Backend-specific facts its definition adds (`BackendDefinition.describeEntry`): for a `remote` model,
   * `remote`, the server and what the client saw of it (requests, retries, short outputs, where token ids
   * came from; `adapters/remote/RemoteModelInfo.ts`).
   */
  [backendSpecific: string]: unknown;
}

/** How the numbers of an ok entry were obtained. */
export interface EntryMeasurement {
  /** Worker processes the entry was measured in (`measure.processes`). */
  processes: number;
  /** What the statistics' intervals cover: one process's repetitions, or processes and repetitions. */
  intervals: string;
  warmupRuns: number;
  /** Seconds of warmup (the first process's). */
  warmupSeconds?: number;
  /** Why warming up ended: `count`, `stable`, `max`, or `seconds` (`measure.warmupSeconds` kept it going). */
  warmupReason: string | null;
  /**
   * Why measuring ended (the first process): `target` (its median's interval narrow enough), `minimums`,
   * `max-repetitions`, `max-seconds`.
   */
  stopReason: string | null;
  /** Relative width (high − low) ÷ median of the entry's decode-rate interval (`metrics.decodeTps.medianCi95`). */
  ciRelativeWidth?: number;
  /** Whether `ciRelativeWidth` is within `measure.targetCiWidth`; absent without a target. */
  targetMet?: boolean;
  repetitions: number;
  measuredSeconds: number;
  /** `stream`: a timestamp per token; `batch`: per hand-over. */
  tokenHandover: 'stream' | 'batch';
  /**
   * Tokens handed over in the first hand-over (the most over the repetitions): 1 for a stream, a cascade's
   * held-back probe for it. Decode tok/s, TPOT and ITL count the tokens after it. Absent in results written
   * before it was recorded (whose decode figures counted a batch's tokens as 0 ms apart).
   */
  firstHandoverTokens?: number;
  /** The launcher that ran the entry (`process`, `in-process`, or one a backend brings); absent in results written before it was recorded (the process launcher). */
  launcher?: string;
  /** Clock of the timestamps: `performance.now()` where the launcher's scenario runs (`in the worker` for the process launcher). */
  clock: string;
  /** End-of-sequence handling: generation is fixed-length, EOS does not stop it. */
  eos: 'ignored';
  /**
   * The workload's depth: tokens kept in the KV cache before the prompt in every repetition, and the
   * untimed fill that put them there (ms, median over processes). Absent without depth.
   */
  depth?: { tokens: number; fillMs: number };
  /** A concurrent workload: how its requests shared the model, in words (`metrics.concurrency.batching`). */
  concurrency?: string;
  /**
   * How `metrics.cachedTtftMs` was measured: the prefix kept (tokens), requests per process, and whether
   * every cached request's first token equals the measured one; or why it was not measured.
   */
  cachedTtft?: { prefixTokens: number; runs: number; firstTokenMatches: boolean } | { notMeasured: string };
}

/** What an ok entry generated. */
export interface EntryOutputs {
  /** Generated token ids of the last repetition (of a concurrent round, its first request's: the one of `promptTokenIds`). */
  tokenIds: number[];
  /** Their text. */
  text: string;
  /** Prompt token ids handed to the backend (the depth's first, when there is one). */
  promptTokenIds: number[];
  /** Index in `tokenIds` of the first end-of-sequence token (where the model would have stopped), or null. */
  eosIndex: number | null;
  /** Whether every repetition, warmup included, produced the same ids. */
  consistent: boolean;
}

/** An earlier attempt of a retried entry: when it ran and how it failed. */
export interface EntryAttempt {
  status: 'errored' | 'skipped';
  startedAt: string;
  endedAt: string;
  error: ErrorRecord;
}

/** What every entry record has. */
interface EntryRecordBase {
  id: string;
  index: number;
  label: string;
  backend: EntryBackend;
  workload: Workload & {
    /** Prompt length actually handed to the backend (tokens, BOS included), after the depth when there is one. */
    promptTokenCount?: number;
  };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Earlier failed attempts of this entry, oldest first, when it was run again (`--retry-errored`). Absent otherwise. */
  attempts?: EntryAttempt[];
}

/** A measured entry: it always has its measurement, metrics, raw samples and outputs. */
export interface OkEntryRecord extends EntryRecordBase {
  status: 'ok';
  model: EntryModel;
  measurement: EntryMeasurement;
  metrics: EntryMetrics;
  samples: EntrySamples;
  outputs: EntryOutputs;
  /**
   * Composite entries (`cascade`, `ensemble`) only: stages, and per phase (measured loop, accuracy
   * tasks) the requests each stage answered with their latency, CPU time and apportioned energy.
   */
  composite?: EntryComposite;
  /** Every accuracy task run: version, data used (with sha256), policy, rows, truncations, or why skipped. */
  quality?: Array<Omit<TaskResult, 'metrics'>>;
  /**
   * Cascades with accuracy tasks: per task with per-row scores, every stage alone, the cascade as routed,
   * the per-row best (oracle) and the bound at every escalation rate, with the cascade's headroom.
   */
  oracle?: RouteOracle[];
  /** Why the entry has no `metrics.fidelity` although the run measured fidelity. */
  fidelitySkipped?: string;
  /**
   * Known performance traps the entry's resolved settings fall into on this device
   * (`BackendDefinition.traps`): the setting, its value, what it costs and the setting that avoids it;
   * `message` is the line the run prints. Absent when none.
   */
  warnings?: Array<{ setting: string; value: unknown; cost: string; fix: string; message: string }>;
  error?: undefined;
}

/** An entry that failed (`errored`) or was not run (`skipped`): its error, and no statistics. */
export interface FailedEntryRecord extends EntryRecordBase {
  status: 'errored' | 'skipped';
  /** The model as far as it was prepared. */
  model: EntryModel | (Pick<EntryModel, 'spec' | 'path' | 'name'> & Partial<EntryModel>);
  error: ErrorRecord;
  measurement?: undefined;
  metrics?: undefined;
  samples?: undefined;
  outputs?: undefined;
  composite?: undefined;
  quality?: undefined;
}

/** The record of one entry: `ok` with its statistics, or `errored`/`skipped` with why. */
export type EntryRecord = OkEntryRecord | FailedEntryRecord;
