/** The record of one matrix entry, as appended to `entries.jsonl` and listed in `result.json`. */
import type { ErrorRecord } from '../errors.js';
import type { Stats } from '../stats/summarize.js';
import type { Workload } from '../matrix/MatrixEntry.js';

/** `ok`: measured; `errored`: failed with `error`; `skipped`: not run (with `error` saying why). */
export type EntryStatus = 'ok' | 'errored' | 'skipped';

/** What is known of the model file or folder. */
export interface EntryModel {
  /** Path as written in the config or on the command line. */
  spec: string;
  /** Absolute path. */
  path: string;
  /** Display name. */
  name: string;
  format: string;
  /** sha256 of the weights file (hex). */
  sha256: string;
  /** Bytes on disk (all files of a folder). */
  sizeBytes: number;
  /** Parameter count. */
  params: number | null;
  /** Quantization / element type, e.g. `F32`, `Q4_0`, `fp16`. */
  quant: string | null;
  /** Architecture, e.g. `llama`. */
  arch: string | null;
  /** Trained context length (tokens). */
  contextLength: number | null;
  /** Vocabulary size. */
  vocabSize: number | null;
}

/** Latency and throughput statistics over the measured repetitions, and memory figures. */
export interface EntryMetrics {
  /** Cold load time (ms), one sample per worker. */
  loadMs: Stats;
  /** Prompt tokenization time (ms), one sample. */
  tokenizeMs: Stats;
  /** Time to first token (ms). */
  ttftMs: Stats;
  /** Mean time per output token after the first (ms); absent when one token is generated. */
  tpotMs: Stats | null;
  /** Inter-token latency over every gap of every repetition (ms). */
  itlMs: Stats | null;
  /** Prompt tokens per second of the prefill (prompt tokens ÷ TTFT). */
  prefillTps: Stats;
  /** Decode tokens per second ((n − 1) ÷ (t(n−1) − t0)). */
  decodeTps: Stats | null;
  /** Request to last token (ms). */
  e2eMs: Stats;
  /** Peak resident memory of the worker (bytes): VmHWM where /proc exists, else the sampler's maximum. */
  peakRssBytes: number;
  /** Maximum RSS seen by the runner's sampler (every 10 ms) over the worker's life (bytes); null if unsampled. */
  peakRssSampledBytes: number | null;
  /** Worker RSS right after loading the model (bytes). */
  rssAfterLoadBytes: number;
  /** Worker RSS before loading the model (bytes): the harness's own share. */
  rssBeforeLoadBytes: number;
  /** Size of the model on disk (bytes). */
  modelSizeBytes: number;
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
}

export interface EntryRecord {
  id: string;
  index: number;
  label: string;
  status: EntryStatus;
  model: EntryModel | (Pick<EntryModel, 'spec' | 'path' | 'name'> & Partial<EntryModel>);
  backend: {
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
  };
  workload: Workload & {
    /** Prompt length actually handed to the backend (tokens, BOS included). */
    promptTokenCount?: number;
  };
  /** How the numbers were obtained. */
  measurement?: {
    warmupRuns: number;
    repetitions: number;
    measuredSeconds: number;
    /** `stream`: a timestamp per token; `batch`: per hand-over. */
    tokenHandover: 'stream' | 'batch';
    /** Clock of the timestamps. */
    clock: 'performance.now() in the worker';
    /** End-of-sequence handling: generation is fixed-length, EOS does not stop it. */
    eos: 'ignored';
  };
  metrics?: EntryMetrics;
  samples?: EntrySamples;
  outputs?: {
    /** Generated token ids of the last repetition. */
    tokenIds: number[];
    /** Their text. */
    text: string;
    /** Prompt token ids handed to the backend. */
    promptTokenIds: number[];
    /** Index in `tokenIds` of the first end-of-sequence token (where the model would have stopped), or null. */
    eosIndex: number | null;
    /** Whether every repetition, warmup included, produced the same ids. */
    consistent: boolean;
  };
  error?: ErrorRecord;
  startedAt: string;
  endedAt: string;
  durationMs: number;
}
