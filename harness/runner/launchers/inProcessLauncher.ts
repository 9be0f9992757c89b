/**
 * The in-process launcher: runs one entry's scenario ({@link measureEntry}) in the calling process, with the
 * run's own backend registry, so that a backend defined in a program's code (not in the built-in
 * registry the forked worker knows) can be measured, and a test can drive the whole run without a fork.
 * It samples the resident memory of this process and of any process the backend reports holding the model,
 * like the process launcher. What it gives up is isolation: the entry shares this process's heap, JIT and
 * native libraries with whatever ran before it, its load time is not a cold start, and a crash or a hang
 * of the backend is the caller's (past the timeout the run is reported failed, but its work cannot be
 * killed). Sweeps that are measured for real use the process launcher; a definition chooses this one with
 * `launcher: 'in-process'`.
 */
import type { BackendDefinition } from '../../../adapters/types.js';
import { EntryTimeoutError, toErrorRecord } from '../../errors.js';
import { SampledMemoryTracker } from '../../trackers/SampledMemoryTracker.js';
import { measureEntry } from '../measureEntry.js';
import type { WorkerMeasurement } from '../messages.js';
import type { Launcher, LaunchOutcome } from './Launcher.js';

/** An in-process launcher over `registry` (the run's backends). */
export function inProcessLauncher(registry: readonly BackendDefinition[]): Launcher {
  return {
    id: 'in-process',
    description: 'the calling process (no isolation)',
    clock: 'performance.now() in the calling process',
    async launch(request, hooks = {}, signal) {
      if (signal?.aborted) return interrupted(null);
      const memory = new SampledMemoryTracker(request.sampleIntervalMs);
      const addProcesses = (more: readonly number[]) => {
        if (memory.add(more).length) hooks.onProcesses?.([...memory.processes]);
      };
      addProcesses([process.pid]);
      memory.start();
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stopped = new Promise<'timeout' | 'interrupted'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), request.timeoutSeconds * 1000);
        onAbort = () => resolve('interrupted');
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const run = measureEntry(
        request.entry,
        request.settings,
        {
          phase: (message) => {
            // Peak memory is that of the speed measurement: sampling stops when the accuracy tasks begin.
            if (message.phase === 'quality') memory.stop();
            hooks.onPhase?.(message);
          },
          processes: addProcesses,
        },
        registry,
      ).then(
        (measurement): { measurement: WorkerMeasurement } => ({ measurement }),
        (error: unknown) => ({ error }),
      );
      try {
        const first = await Promise.race([run, stopped]);
        const peak = memory.stop();
        if (first === 'interrupted') return interrupted(peak);
        if (first === 'timeout') return { ok: false, error: toErrorRecord(new EntryTimeoutError(request.timeoutSeconds)), peakRssSampledBytes: peak };
        if ('measurement' in first) return { ok: true, measurement: first.measurement, peakRssSampledBytes: peak };
        return { ok: false, error: toErrorRecord(first.error), peakRssSampledBytes: peak };
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

function interrupted(peak: number | null): LaunchOutcome {
  return { ok: false, error: { code: 'INTERRUPTED', message: 'the sweep was interrupted' }, peakRssSampledBytes: peak, interrupted: true };
}
