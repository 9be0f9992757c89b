/**
 * A seeded pseudo-random generator for few-shot sampling and bootstrap resampling: the statistics'
 * mulberry32 ({@link seededUniform}) seeded through a splitmix-style mix of (seed, stream), so each row or
 * metric draws from its own reproducible stream whatever order the work is done in.
 */
import { seededUniform } from '../../harness/stats/seededUniform.js';

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/** The generator for `stream` under `seed` (both taken modulo 2^32). */
export function seededRandom(seed: number, stream: number = 0): Random {
  return seededUniform(mix(mix(seed >>> 0) ^ Math.imul((stream >>> 0) + 0x632be5ab, 0x9e3779b9)));
}

/** A stream number from a text (FNV-1a, 32 bits), e.g. a metric name. */
export function streamOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function mix(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
