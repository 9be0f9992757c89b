/**
 * splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix): the golden-ratio increment, then
 * the murmur3-style finalizer. The one seed mixer of slmbench: it derives the seeds of the bootstrap's
 * and the suites' streams ({@link seededRandom}) and seeds the forge's xoshiro128** state words.
 */

/** The splitmix32 increment: 2^32 ÷ φ. */
export const SPLITMIX32_GAMMA = 0x9e3779b9;

/** splitmix32 of the state `x`: finalize(x + γ), as an unsigned 32-bit integer. */
export function splitmix32(x: number): number {
  let z = (x + SPLITMIX32_GAMMA) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
