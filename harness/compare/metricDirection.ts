/**
 * Which way a metric improves. Higher is better for rates and accuracies (`decodeTps`, `prefillTps`,
 * `acc`, …); lower is better for times, memory and energy (`ttftMs`, `tpotMs`, `itlMs`, `e2eMs`,
 * `loadMs`, `peakRssBytes`, `energy.*`, perplexities). A quality metric's own `higherIsBetter` wins.
 */
import { describeMetric } from '../ranking/describeMetric.js';

/** `higher`: larger values are better (a regression is a drop); `lower`: smaller values are better (a regression is a rise). */
export type MetricDirection = 'higher' | 'lower';

/** The direction of the metric at `path`, or null when unknown (then a rule's sign must say it). */
export function metricDirection(path: string, higherIsBetter: boolean | null = null): MetricDirection | null {
  if (higherIsBetter !== null) return higherIsBetter ? 'higher' : 'lower';
  const known = describeMetric(path).direction;
  if (known) return known === 'max' ? 'higher' : 'lower';
  const last = path.split('.').at(-1) ?? path;
  if (/^metrics\.energy\./.test(path) || /(Ms|Bytes|Seconds|joules\w*|Joules|kWh|gCO2e)$/.test(last)) return 'lower';
  if (/(Tps|PerSecond)$/.test(last)) return 'higher';
  return null;
}
