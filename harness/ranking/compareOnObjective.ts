/**
 * Compares two entries on one objective: better, worse, or tied. With significance on, values whose
 * intervals overlap (touching counts) tie: neither is better on that objective.
 */
import type { MetricValue } from './resolveMetric.js';
import type { ObjectiveDirection } from './Objective.js';

/**
 * 1 when `a` is better than `b`, -1 when worse, 0 when tied. A missing value (null) is worse than any
 * value; two missing values tie. Equal values tie.
 */
export function compareOnObjective(
  a: MetricValue | null,
  b: MetricValue | null,
  direction: ObjectiveDirection,
  significance: boolean,
): -1 | 0 | 1 {
  if (a === null || b === null) return a === null && b === null ? 0 : a === null ? -1 : 1;
  if (a.value === b.value) return 0;
  if (significance && a.low <= b.high && b.low <= a.high) return 0;
  const aLarger = a.value > b.value;
  return aLarger === (direction === 'max') ? 1 : -1;
}
