/**
 * A memory-bandwidth probe on one thread: a streaming read (the C library's vectorised memchr over a
 * buffer much larger than the caches, through Buffer#indexOf of a byte it does not hold) and a copy
 * (`TypedArray.set`, memcpy), each timed `runs` times, best run kept. A plain JavaScript summing loop
 * reads about 1.6× slower than the SIMD kernels of the backends (25.6 against 40–41 GB/s on the 2-core
 * EPYC VM), and a bound below what a backend reaches would report more than 100% of it. One thread: what
 * one decode thread can draw is the bound for a backend running one thread (several cores draw more
 * together). Both arrays are written before timing, so page faults are not timed. It allocates 2 × `bytes`
 * (512 MiB by default): run it before loading a model, or in its own process.
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
  // 1.0 as float64 is the bytes 00 00 00 00 00 00 F0 3F: 0x77 occurs nowhere.
  const sourceBytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const target = new Float64Array(bytes / 8).fill(0);
  let bestRead = Number.POSITIVE_INFINITY;
  let bestCopy = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const t0 = now();
    // A search for a byte the buffer does not hold reads all of it with the C library's vectorised
    // memchr: the streaming read speed that a backend's SIMD kernels reach, which a JavaScript loop does
    // not (it reads about 1.6× slower on the development VM).
    const found = sourceBytes.indexOf(ABSENT_BYTE);
    const t1 = now();
    if (found !== -1) throw new Error(`bandwidth probe: byte ${ABSENT_BYTE} found at ${found}`);
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
      `single thread: read = vectorised memchr over a ${bytes}-byte buffer (Buffer#indexOf of an absent byte), ` +
      `copy = TypedArray.set (memcpy); best of ${runs} runs; copy counts bytes read + written`,
  };
}

/** A byte value the probe's buffer (float64 ones) does not contain. */
const ABSENT_BYTE = 0x77;
