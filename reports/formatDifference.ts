import type { MetricComparison } from '../harness/compare/compareMetric.js';
import { formatNumber } from './formatNumber.js';

/** A comparison's difference with its interval, as the tables print it: `-0.0625 [-0.0925, -0.035]`, `+0.01`. */
export function formatDifference(c: MetricComparison): string {
  const interval = c.interval ? ` [${formatNumber(c.interval.low)}, ${formatNumber(c.interval.high)}]` : '';
  return `${c.difference > 0 ? '+' : ''}${formatNumber(c.difference)}${interval}`;
}
