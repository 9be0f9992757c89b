/**
 * Runs one matrix entry in a fresh worker process: typed IPC, a per-entry timeout, a 10 ms RSS sampler
 * reading the worker's /proc status from the runner's side, and a clear reason for every way a worker
 * can die (crash, signal, out of memory, timeout).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EntryTimeoutError, WorkerCrashedError, toErrorRecord, type ErrorRecord } from '../errors.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import { openRssReader } from '../trackers/readProcMemory.js';
import { distPath } from '../util/projectPath.js';
import type { PhaseMessage, RunMessage, WorkerMeasurement, WorkerToRunner } from './messages.js';

/** How a worker ended. */
export type WorkerOutcome =
  | { ok: true; measurement: WorkerMeasurement; peakRssSampledBytes: number | null }
  | { ok: false; error: ErrorRecord; peakRssSampledBytes: number | null };

/** Options of {@link runEntryInWorker}. */
export interface RunEntryOptions {
  /** Called with each phase message (for progress display). Default: none. */
  onPhase?: (phase: PhaseMessage) => void;
  /** Called once the worker process exists. Default: none. */
  onSpawn?: (child: ChildProcess) => void;
  /** Sampler interval in ms. Default: 10. */
  sampleIntervalMs?: number;
  /** Worker entry point. Default: the compiled `dist/harness/runner/worker.js`. */
  workerPath?: string;
}

/** Keeps the last lines a worker printed to stderr, for crash reasons. */
const STDERR_TAIL = 4000;

export function runEntryInWorker(
  entry: MatrixEntry,
  settings: Omit<RunMessage, 'type' | 'entry'>,
  options: RunEntryOptions = {},
): Promise<WorkerOutcome> {
  const { measure } = settings;
  const workerPath = options.workerPath ?? distPath('harness', 'runner', 'worker.js');
  if (!existsSync(workerPath)) {
    return Promise.resolve({
      ok: false,
      error: { code: 'INTERNAL', message: `worker not built: ${workerPath} is missing (run npm run build)` },
      peakRssSampledBytes: null,
    });
  }
  return new Promise((resolve) => {
    // No execArgv: flags such as --input-type=module break node-llama-cpp's binary self-test in the child.
    const child = fork(workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    options.onSpawn?.(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    let peak: number | null = null;
    const reader = child.pid === undefined ? null : openRssReader(child.pid);
    const sample = () => {
      const rss = reader?.read() ?? null;
      if (rss !== null && (peak === null || rss > peak)) peak = rss;
    };
    const sampler = setInterval(sample, options.sampleIntervalMs ?? 10);
    let outcome: WorkerOutcome | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, measure.timeoutSeconds * 1000);

    child.on('message', (message: WorkerToRunner) => {
      // Peak memory is that of the speed measurement: sampling stops when the accuracy tasks begin.
      if (message.type === 'phase' && message.phase === 'quality') clearInterval(sampler);
      if (message.type === 'phase') options.onPhase?.(message);
      else if (message.type === 'done') outcome = { ok: true, measurement: message.measurement, peakRssSampledBytes: null };
      else if (message.type === 'failed') outcome = { ok: false, error: message.error, peakRssSampledBytes: null };
    });
    child.on('error', (error) => {
      outcome ??= { ok: false, error: toErrorRecord(error), peakRssSampledBytes: null };
    });
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      reader?.close();
      clearTimeout(timer);
      if (timedOut && !outcome) {
        outcome = { ok: false, error: toErrorRecord(new EntryTimeoutError(measure.timeoutSeconds)), peakRssSampledBytes: null };
      }
      outcome ??= { ok: false, error: toErrorRecord(crashReason(code, signal, stderr)), peakRssSampledBytes: null };
      resolve({ ...outcome, peakRssSampledBytes: peak });
    });
    const message: RunMessage = { type: 'run', entry, ...settings };
    child.send(message);
  });
}

function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): WorkerCrashedError {
  const tail = lastLine(stderr);
  if (/heap out of memory|Allocation failed|std::bad_alloc|Cannot allocate memory/i.test(stderr)) {
    return new WorkerCrashedError(`worker ran out of memory${tail ? `: ${tail}` : ''}`, 'OUT_OF_MEMORY');
  }
  if (signal === 'SIGKILL') {
    return new WorkerCrashedError(
      'worker was killed by SIGKILL before reporting (by another process or the kernel out-of-memory killer)',
    );
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new WorkerCrashedError(`worker ${how} before reporting${tail ? `: ${tail}` : ''}`);
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
