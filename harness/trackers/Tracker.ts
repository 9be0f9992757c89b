/**
 * The one shape of a tracker (optimum-benchmark's `track()`): it measures one thing around a stretch of
 * work, `start()` right before and `stop()` right after, and `stop` returns the reading. Latency, memory,
 * energy and GPU memory are trackers; the scenario (`measureEntry`) puts them around loading and the
 * measured loop in the worker, and a launcher puts the sampled-memory tracker around its processes.
 */
export interface Tracker<Reading, StopInput = void> {
  /** What it tracks. */
  readonly kind: 'latency' | 'memory' | 'energy' | 'gpu';
  /** Begins measuring. */
  start(): Promise<void> | void;
  /** Ends measuring and returns the reading; `input` is what only the work's end knows (the energy's work done). */
  stop(input: StopInput): Promise<Reading> | Reading;
}
