/**
 * A seeded pseudo-random generator of uniform numbers in [0, 1) for the statistics (bootstrap
 * resampling): mulberry32 (Tommy Ettinger, 2017; 32-bit state, period 2^32). Every value is a pure
 * function of the seed, so a bootstrap interval is exactly reproducible from its seed. Not for
 * cryptography; ample for resampling a few thousand times.
 */

/** 2^-32: turns a uint32 into a number in [0, 1). */
const TWO_POW_MINUS_32 = 1 / 4294967296;

/**
 * Returns a generator of uniform numbers in [0, 1), each a multiple of 2^-32. `seed` is taken modulo
 * 2^32 (non-integer seeds are truncated toward zero first).
 */
export function seededUniform(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) * TWO_POW_MINUS_32;
  };
}
