/**
 * Seeded random streams: the statistics' uniform generator ({@link seededUniform}, mulberry32) seeded
 * through {@link splitmix32} of (seed, stream), so each row, metric or generated dataset draws from its
 * own reproducible stream whatever order the work is done in. Used by the suites' few-shot sampling and
 * bootstrap standard errors and by the dataset generator.
 */
import { fnv1a32 } from './fnv1a32.js';
import { seededUniform } from './seededUniform.js';
import { splitmix32 } from './splitmix32.js';

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/** The generator for `stream` under `seed` (both taken modulo 2^32). */
export function seededRandom(seed: number, stream: number = 0): Random {
  return seededUniform(splitmix32(splitmix32(seed >>> 0) ^ Math.imul((stream >>> 0) + 0x632be5ab, 0x9e3779b9)));
}

/** A stream number from a name (its {@link fnv1a32}), e.g. a metric name. */
export function streamOf(name: string): number {
  return fnv1a32(name);
}
