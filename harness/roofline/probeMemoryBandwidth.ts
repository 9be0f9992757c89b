/**
 * A memory-bandwidth probe in plain JavaScript: a streaming read (sum over a Float64Array much larger
 * than the caches, four accumulators so the loop is not bound by one add chain) and a copy
 * (`TypedArray.set`), each timed `runs` times, best run kept. One thread only: JavaScript on one thread
 * understates what several cores draw together (BACKEND-NOTES: about 22 GB/s with 1 thread, 31 GB/s with
 * 2 on the 2-core EPYC VM), and what one decode thread of a backend can use is what the bound should use
 * when the backend runs one thread. Both arrays are written before timing, so page faults are not timed.
 * It allocates 2 × `bytes` (512 MiB by default): run it before loading a model, or in its own process.
 */

/** Options of {@link probeMemoryBandwidth}. */
export interface MemoryBandwidthOptions {
  /** Bytes per array (rounded down to a multiple of 32). Default: 256 MiB. */
  bytes?: number;
  /** Timed runs of each kernel; the fastest counts. Default: 5. */
  runs?: number;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
}

/** What the probe found. */
export interface MemoryBandwidth {
  /** Streaming read: bytes ÷ best seconds ÷ 1e9. */
  readGBps: number;
  /** Copy: (bytes read + bytes written) ÷ best seconds ÷ 1e9 (the STREAM convention, 2 × bytes per copy). */
  copyGBps: number;
  /** Bytes per array. */
  bytes: number;
  /** Timed runs per kernel. */
  runs: number;
  /** How it was measured. */
  method: string;
}

/** Measures single-thread read and copy bandwidth; synchronous, takes about runs × 2 × bytes ÷ bandwidth. */
export function probeMemoryBandwidth(options: MemoryBandwidthOptions = {}): MemoryBandwidth {
  const requested = options.bytes ?? 256 * 2 ** 20;
  const runs = options.runs ?? 5;
  const now = options.now ?? (() => performance.now());
  const bytes = Math.floor(requested / 32) * 32;
  if (bytes <= 0) throw new RangeError(`bandwidth probe of ${requested} bytes: needs at least 32`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`bandwidth probe runs ${runs} must be an integer ≥ 1`);
  const source = new Float64Array(bytes / 8).fill(1);
  const target = new Float64Array(bytes / 8).fill(0);
  let bestRead = Number.POSITIVE_INFINITY;
  let bestCopy = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const t0 = now();
    const sum = streamSum(source);
    const t1 = now();
    // The sum is checked, so the loop cannot be optimized away.
    if (sum !== source.length) throw new Error(`bandwidth probe: sum ${sum} ≠ ${source.length}`);
    bestRead = Math.min(bestRead, t1 - t0);
    const t2 = now();
    target.set(source);
    const t3 = now();
    if (target[target.length - 1] !== 1) throw new Error('bandwidth probe: copy did not happen');
    target[target.length - 1] = 0;
    bestCopy = Math.min(bestCopy, t3 - t2);
  }
  const gbps = (movedBytes: number, ms: number) => (ms > 0 ? movedBytes / (ms / 1000) / 1e9 : Number.POSITIVE_INFINITY);
  return {
    readGBps: gbps(bytes, bestRead),
    copyGBps: gbps(2 * bytes, bestCopy),
    bytes,
    runs,
    method:
      `single-thread JavaScript: sum over a ${bytes}-byte Float64Array (4 accumulators) and TypedArray.set copy, ` +
      `best of ${runs} runs; copy counts bytes read + written`,
  };
}

function streamSum(values: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = values.length;
  for (let i = 0; i < n; i += 4) {
    s0 += values[i]!;
    s1 += values[i + 1]!;
    s2 += values[i + 2]!;
    s3 += values[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}
