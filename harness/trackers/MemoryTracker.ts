/**
 * Resident memory of the processes that hold a model, read from `/proc/<pid>/status` (Linux): the resident
 * set at `start()` and at `stop()`, and the peak (VmHWM, each process's high-water mark since it started),
 * each summed over the processes. This process without /proc falls back to `process.memoryUsage.rss()`,
 * with no peak.
 */
import { readProcMemory } from './readProcMemory.js';
import type { Tracker } from './Tracker.js';

/** What {@link MemoryTracker} read. */
export interface MemoryReading {
  /** Resident bytes at `start()`. */
  rssStartBytes: number;
  /** Resident bytes at `stop()`. */
  rssEndBytes: number;
  /** Sum of the processes' VmHWM at `stop()`; null where /proc is missing. */
  peakBytes: number | null;
}

export class MemoryTracker implements Tracker<MemoryReading> {
  readonly kind = 'memory';
  #rssStart = 0;

  /** @param pids the processes to read (default: this process) */
  constructor(private readonly pids: readonly number[] = [process.pid]) {}

  start(): void {
    this.#rssStart = this.rss();
  }

  stop(): MemoryReading {
    const peaks = this.pids.map((pid) => readProcMemory(pid === process.pid ? 'self' : pid)?.hwmBytes ?? null);
    return {
      rssStartBytes: this.#rssStart,
      rssEndBytes: this.rss(),
      peakBytes: peaks.every((p): p is number => p !== null) ? peaks.reduce((a, b) => a + b, 0) : null,
    };
  }

  private rss(): number {
    return this.pids.reduce((sum, pid) => {
      const self = pid === process.pid;
      return sum + (readProcMemory(self ? 'self' : pid)?.rssBytes ?? (self ? process.memoryUsage.rss() : 0));
    }, 0);
  }
}
