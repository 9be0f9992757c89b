/**
 * Splits measured repetitions into the first (cold) one and the rest. The first timed repetition after
 * load is often slower (pages of a memory-mapped model touched for the first time, caches, JIT): it is
 * reported on its own, and the statistics are computed over the rest, which the caller still keeps.
 */

/** The first item and the others. */
export interface ColdSplit<T> {
  /** The first item; null for an empty list. */
  cold: T | null;
  /** Every item after the first, in order (a new array). */
  rest: T[];
}

/** `{cold: items[0], rest: items.slice(1)}`; `{cold: null, rest: []}` for an empty list. */
export function splitColdRepetition<T>(items: readonly T[]): ColdSplit<T> {
  if (items.length === 0) return { cold: null, rest: [] };
  return { cold: items[0]!, rest: items.slice(1) };
}
