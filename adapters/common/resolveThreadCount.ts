/**
 * The thread-count options of the backends (`threads`, `intraOpThreads`): `auto` or a number.
 */
import { availableParallelism } from 'node:os';

/**
 * @param option the option's value
 * @returns the number given, or for `auto` logical cores − 1 (at least 1), leaving one core for the
 *   event loop and the per-token JavaScript work
 */
export function resolveThreadCount(option: 'auto' | number): number {
  return option === 'auto' ? Math.max(1, availableParallelism() - 1) : option;
}
