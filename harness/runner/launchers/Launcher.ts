/**
 * A launcher runs one entry's scenario somewhere (a forked Node worker process; later a browser page or
 * beside a server process) and reports the processes that do its work, so that memory and energy are
 * measured where the work happens. Launchers are an axis of their own (optimum-benchmark's split): a
 * backend definition names the one its entries need (`BackendDefinition.launcher`, default `process`), and
 * the runner, the record and the reports treat every launcher alike.
 */
import type { ErrorRecord } from '../../errors.js';
import type { PlannedEntry } from '../../matrix/PlannedEntry.js';
import type { PhaseMessage, ScenarioSettings, WorkerMeasurement } from '../messages.js';

/** One run of an entry's scenario. */
export interface LaunchRequest {
  entry: PlannedEntry;
  settings: ScenarioSettings;
  /** Seconds the run may take, load included; past it every process of the run is killed. */
  timeoutSeconds: number;
  /** Interval (ms) of the memory sampler over the run's processes (`measure.memorySampleMs`). */
  sampleIntervalMs: number;
}

/** What a launcher tells the runner while it runs. */
export interface LaunchHooks {
  /** Each phase of the scenario (progress). Default: none. */
  onPhase?(message: PhaseMessage): void;
  /** The processes doing the entry's work as they become known: the launcher's own first, then any the backend starts. Default: none. */
  onProcesses?(pids: readonly number[]): void;
}

/** How a run ended. */
export type LaunchOutcome =
  | { ok: true; measurement: WorkerMeasurement; peakRssSampledBytes: number | null }
  | {
      ok: false;
      error: ErrorRecord;
      peakRssSampledBytes: number | null;
      /** True when the run was stopped through the abort signal (the sweep is being interrupted), not failed. */
      interrupted?: boolean;
    };

export interface Launcher {
  /** Launcher id, as backend definitions name it. */
  readonly id: string;
  /** What it runs in, for messages. */
  readonly description: string;
  /** Where the scenario's timestamps are taken, as the record states it (`performance.now() in the worker`). */
  readonly clock: string;
  /**
   * Runs the scenario once and reports its measurement or how it failed (a crash, a signal, out of memory,
   * the timeout). `signal` stops the run at once (its processes are killed; the outcome says `interrupted`).
   */
  launch(request: LaunchRequest, hooks?: LaunchHooks, signal?: AbortSignal): Promise<LaunchOutcome>;
}
