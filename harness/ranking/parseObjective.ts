/**
 * Parses an objective written on the command line: `PATH[:max|min]`, e.g. `metrics.decodeTps:max`,
 * `ttftMs:min`, `metrics.quality.*.acc`. Without a direction, the metric's known direction is used.
 */
import { UsageError } from '../errors.js';
import { describeMetric } from '../result/describeMetric.js';
import type { Objective } from './Objective.js';

export function parseObjective(text: string): Objective {
  const match = /^([A-Za-z0-9_*.\-]+?)(?::(max|min))?$/.exec(text.trim());
  if (!match || match[1]!.split('.').some((part) => part === '')) {
    throw new UsageError(`--objective "${text}": expected PATH[:max|min], e.g. metrics.decodeTps:max`);
  }
  const metric = match[1]!;
  const direction = (match[2] as 'max' | 'min' | undefined) ?? describeMetric(metric).direction;
  if (!direction) {
    throw new UsageError(`--objective "${text}": no known direction for ${metric}; append :max or :min`);
  }
  return { metric, direction };
}
