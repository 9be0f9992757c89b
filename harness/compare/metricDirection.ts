/**
 * Which way a metric improves, in the words of comparisons: `higher` (a regression is a drop) or `lower`
 * (a regression is a rise). From the metric catalogue ({@link describeMetric}); a quality metric's own
 * `higherIsBetter` wins.
 */
import { describeMetric } from '../result/describeMetric.js';

/** `higher`: larger values are better (a regression is a drop); `lower`: smaller values are better (a regression is a rise). */
export type MetricDirection = 'higher' | 'lower';

/** The direction of the metric at `path`, or null when unknown (then a rule's sign must say it). */
export function metricDirection(path: string, higherIsBetter: boolean | null = null): MetricDirection | null {
  if (higherIsBetter !== null) return higherIsBetter ? 'higher' : 'lower';
  const known = describeMetric(path).direction;
  return known === null ? null : known === 'max' ? 'higher' : 'lower';
}
