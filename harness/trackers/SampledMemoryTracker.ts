/**
 * The launcher's cross-check of a worker's peak memory: samples the resident memory of the processes doing
 * an entry's work from outside (`/proc/<pid>/statm` through one open descriptor each, see openRssReader)
 * every `intervalMs`, and keeps the highest sum. Processes can join while it runs (a server the backend
 * started); one that ends stops counting.
 */
import { openRssReader } from './readProcMemory.js';
import type { Tracker } from './Tracker.js';

export class SampledMemoryTracker implements Tracker<number | null> {
  readonly kind = 'memory';
  readonly #readers = new Map<number, { read(): number | null; close(): void }>();
  readonly #pids: number[] = [];
  #timer: NodeJS.Timeout | null = null;
  #peak: number | null = null;

  /** @param intervalMs the sampling interval (`measure.memorySampleMs`; default 10) */
  constructor(private readonly intervalMs: number = 10) {}

  /** Every process added so far, in order (also those whose memory could not be read). */
  get processes(): readonly number[] {
    return this.#pids;
  }

  /** Adds processes to the sum and returns those not added before (already added ones are ignored). */
  add(pids: readonly number[]): number[] {
    const fresh = pids.filter((pid, i) => !this.#pids.includes(pid) && pids.indexOf(pid) === i);
    for (const pid of fresh) {
      this.#pids.push(pid);
      const reader = openRssReader(pid);
      if (reader) this.#readers.set(pid, reader);
    }
    return fresh;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling (idempotent) and returns the highest sum seen, or null when nothing could be read. */
  stop(): number | null {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const reader of this.#readers.values()) reader.close();
    this.#readers.clear();
    return this.#peak;
  }

  private sample(): void {
    let sum: number | null = null;
    for (const reader of this.#readers.values()) {
      const rss = reader.read();
      if (rss !== null) sum = (sum ?? 0) + rss;
    }
    if (sum !== null && (this.#peak === null || sum > this.#peak)) this.#peak = sum;
  }
}
