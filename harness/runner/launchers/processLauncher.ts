/**
 * The process launcher: runs one entry's scenario in a fresh Node worker process (`worker.ts`), with typed
 * IPC, a per-run timeout, a memory sampler reading the processes' /proc from the runner's side (the worker,
 * then any process the backend reports holding the model), and a clear reason for every way a worker can
 * die (crash, signal, out of memory, timeout).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EntryTimeoutError, WorkerCrashedError, toErrorRecord } from '../../errors.js';
import { SampledMemoryTracker } from '../../trackers/SampledMemoryTracker.js';
import { distPath } from '../../util/projectPath.js';
import type { RunMessage, WorkerToRunner } from '../messages.js';
import type { Launcher, LaunchOutcome } from './Launcher.js';

/** Keeps the last lines a worker printed to stderr, for crash reasons. */
const STDERR_TAIL = 4000;

/** A process launcher whose worker is `workerPath` (default: the compiled `dist/harness/runner/worker.js`). */
export function processLauncher(workerPath: string = distPath('harness', 'runner', 'worker.js')): Launcher {
  return {
    id: 'process',
    description: 'a forked Node worker process',
    clock: 'performance.now() in the worker',
    launch(request, hooks = {}, signal) {
      if (!existsSync(workerPath)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'INTERNAL', message: `worker not built: ${workerPath} is missing (run npm run build)` },
          peakRssSampledBytes: null,
        });
      }
      if (signal?.aborted) return Promise.resolve(interruptedOutcome());
      return new Promise<LaunchOutcome>((resolve) => {
        // No execArgv: flags such as --input-type=module break node-llama-cpp's binary self-test in the child.
        const child = fork(workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
        const memory = new SampledMemoryTracker(request.sampleIntervalMs);
        const pids = memory.processes;
        const addProcesses = (more: readonly number[]) => {
          if (memory.add(more).length) hooks.onProcesses?.([...pids]);
        };
        if (child.pid !== undefined) addProcesses([child.pid]);
        memory.start();
        let stderr = '';
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (chunk: string) => {
          stderr = (stderr + chunk).slice(-STDERR_TAIL);
        });
        let outcome: LaunchOutcome | undefined;
        let timedOut = false;
        let interrupted = false;
        const killAll = () => {
          for (const pid of pids) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        };
        const timer = setTimeout(() => {
          timedOut = true;
          killAll();
        }, request.timeoutSeconds * 1000);
        const abort = () => {
          interrupted = true;
          killAll();
        };
        signal?.addEventListener('abort', abort, { once: true });
        if (signal?.aborted) abort();

        child.on('message', (message: WorkerToRunner) => {
          // Peak memory is that of the speed measurement: sampling stops when the accuracy tasks begin.
          if (message.type === 'phase' && message.phase === 'quality') memory.stop();
          if (message.type === 'phase') hooks.onPhase?.(message);
          else if (message.type === 'processes') addProcesses(message.pids);
          else if (message.type === 'done') outcome = { ok: true, measurement: message.measurement, peakRssSampledBytes: null };
          else if (message.type === 'failed') outcome = { ok: false, error: message.error, peakRssSampledBytes: null };
        });
        child.on('error', (error) => {
          outcome ??= { ok: false, error: toErrorRecord(error), peakRssSampledBytes: null };
        });
        child.on('exit', (code, exitSignal) => {
          const peak = memory.stop();
          clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
          // Helpers the backend started must not outlive the run.
          for (const pid of pids.slice(1)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          // Killed on purpose: what the dying worker's pipe said (EPIPE) is not the entry's error.
          if (interrupted && !outcome?.ok) outcome = interruptedOutcome();
          if (timedOut && !outcome) {
            outcome = { ok: false, error: toErrorRecord(new EntryTimeoutError(request.timeoutSeconds)), peakRssSampledBytes: null };
          }
          outcome ??= { ok: false, error: toErrorRecord(crashReason(code, exitSignal, stderr)), peakRssSampledBytes: null };
          resolve({ ...outcome, peakRssSampledBytes: peak });
        });
        const message: RunMessage = { type: 'run', entry: request.entry, settings: request.settings };
        child.send(message);
      });
    },
  };
}

function interruptedOutcome(): LaunchOutcome {
  return { ok: false, error: { code: 'INTERRUPTED', message: 'the sweep was interrupted' }, peakRssSampledBytes: null, interrupted: true };
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
