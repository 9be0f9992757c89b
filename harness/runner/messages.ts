/** Typed IPC messages between the runner and a worker process (one worker per matrix entry and process). */
import type { BackendVersions, RuntimeModelInfo, WorkPhase } from '../../adapters/types.js';
import type { EnergySettings, MeasurePolicy, QualitySettings } from '../config/configSchema.js';
import type { ErrorRecord } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import type { EnergyReading } from '../trackers/energy/EnergyTypes.js';
import type { RouteOracle } from '../oracle/oracleRouting.js';
import type { RepetitionSample } from '../trackers/latencySample.js';
import type { TaskResult } from '../../suites/runTask.js';
import type { FidelityJob, FidelityOutcome } from '../fidelity/FidelityJob.js';

/** What the scenario of one entry needs besides the entry. */
export interface ScenarioSettings {
  /** The measurement policy, with this process's share of the entry's time budget. */
  measure: MeasurePolicy;
  energy: EnergySettings;
  /** The device's CPU, for the energy estimate's power table. */
  cpu: { brand: string; physicalCores?: number; family?: string | null; model?: string | null } | null;
  /** Accuracy tasks to run after the speed measurement (paths absolute); null for none. */
  quality: QualitySettings | null;
  /** Where per-sample predictions go (`--log-samples`); null for nowhere. */
  samplesFile: string | null;
  /** Fidelity work of this process: make the reference file, or measure the entry against one. Default: none. */
  fidelity?: FidelityJob | null;
}

/** Runner → worker: measure this entry. */
export interface RunMessage {
  type: 'run';
  entry: PlannedEntry;
  settings: ScenarioSettings;
}

/** Worker → runner: the worker entered a phase (for progress display). */
export interface PhaseMessage {
  type: 'phase';
  phase: 'loading' | 'warmup' | 'measuring' | 'quality';
  /** The accuracy task running (phase `quality`). */
  task?: string;
  /** Measured repetitions so far. */
  repetitions?: number;
}

/** Worker → runner: processes besides the worker that hold the loaded model (`RuntimeModelInfo.processIds`), for the runner's memory sampler. */
export interface ProcessesMessage {
  type: 'processes';
  pids: number[];
}

/** What a worker measured for its entry. */
export interface WorkerMeasurement {
  /** Versions of the backend's packages. */
  versions: BackendVersions;
  /** What the loaded model reported after its work (resolved options, vocabulary, special tokens, processes). */
  runtime: RuntimeModelInfo;
  /** What the loaded model reported at the end of each phase that ran (`LoadedModel.endPhase`), for its definition's `describeEntry`. */
  phases: Partial<Record<WorkPhase, unknown>>;
  /** Cold load time (ms), measured once. */
  loadMs: number;
  /** Time to tokenize the prompt (ms). */
  tokenizeMs: number;
  /** Prompt token ids as handed to the backend. */
  promptTokenIds: number[];
  /** The first request after load (the first warmup run, or the first measured one without warmup): TTFT and end-to-end ms. */
  firstRequest: { ttftMs: number; e2eMs: number };
  /**
   * A concurrent workload's rounds (a repetition is a round; `repetitions` holds every request's sample, round
   * by round): requests per round, how they shared the model, and per round its output tok/s, span (ms) and
   * batch sizes. Absent for single requests.
   */
  rounds?: { requests: number; batching: 'continuous' | 'static' | 'sequential'; outputTps: number[]; spanMs: number[]; batchSizes: number[][] };
  /** The workload's depth: tokens kept in the KV cache before the prompt, and the untimed fill's duration (ms); absent without depth. */
  depth?: { tokens: number; fillMs: number };
  /**
   * The cached first token (`measure.cachedTtftRuns`): the prefix kept (tokens), each request's TTFT (ms),
   * and whether every first token equals the measured repetitions' first token; or why it was not measured.
   */
  cachedTtft?: { prefixTokens: number; ttftMs: number[]; firstTokenMatches: boolean } | { notMeasured: string };
  /**
   * Warmup repetitions run and discarded, their durations, why warming up stopped (`count`, `stable`,
   * `max`, or `seconds` when `measure.warmupSeconds` kept it going), and its length in seconds.
   */
  warmup: { runs: number; timesMs: number[]; reason: string | null; spread: number | null; seconds: number };
  /** Why the measured loop stopped: `target` (interval narrow enough), `minimums`, `max-repetitions`, `max-seconds`. */
  stopReason: string | null;
  /** Energy over the measured loop, with how it was obtained; null when no provider worked or nothing is metered here. */
  energy: EnergyReading | null;
  /** Why there is no energy reading, when there is none. */
  energyError: string | null;
  /** Accuracy task results, in task order; null when the entry runs none. */
  quality: TaskResult[] | null;
  /** What the fidelity job of the process gave (`ScenarioSettings.fidelity`); absent without one. */
  fidelity?: FidelityOutcome;
  /** Routing models (cascades) with accuracy tasks: the oracle bound per task that has per-row scores. */
  oracle?: RouteOracle[];
  /** Measured repetitions in order; the first is the coldest. */
  repetitions: RepetitionSample[];
  /** Seconds spent in the measured loop. */
  measuredSeconds: number;
  /** Text of the last repetition's tokens. */
  text: string;
  /** Whether every repetition (warmup included) produced the same token ids. */
  outputsConsistent: boolean;
  memory: {
    /** Peak resident memory (VmHWM) of the processes holding the model after the speed measurement, before any accuracy task (bytes), where /proc exists. */
    vmHwmBytes: number | null;
    /** RSS before the model was loaded (bytes). */
    rssBeforeLoadBytes: number;
    /** RSS right after load (bytes). */
    rssAfterLoadBytes: number;
    /** GPU memory the processes hold (nvidia-smi), or null without an NVIDIA GPU in use. */
    gpuBytes: number | null;
  };
}

/** Worker → runner: the entry finished. */
export interface DoneMessage {
  type: 'done';
  measurement: WorkerMeasurement;
}

/** Worker → runner: the entry failed with a known error. */
export interface FailedMessage {
  type: 'failed';
  error: ErrorRecord;
}

export type RunnerToWorker = RunMessage;
export type WorkerToRunner = PhaseMessage | ProcessesMessage | DoneMessage | FailedMessage;
