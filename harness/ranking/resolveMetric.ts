/**
 * Reads a metric from an entry by path and turns it into a value with an interval, whatever its shape:
 * a statistics object (median, with its `ci95`), a plain number, or an estimate `{value, stderr}`
 * (value ± 1.96·stderr).
 */
import { Z95 } from '../stats/normalQuantile.js';
import { valueAt } from '../result/valueAt.js';
import { notMeasuredReason } from '../result/notMeasuredReason.js';

/** A metric's value with the interval used for significance-aware comparisons. */
export interface MetricValue {
  /** The value ranked on: a statistics object's median, a number, or an estimate's value. */
  value: number;
  /** Lower end of the interval (equals `value` when the metric has no interval). */
  low: number;
  /** Upper end of the interval (equals `value` when the metric has no interval). */
  high: number;
}


/**
 * The raw value at `path` (dot-separated) inside `entry`, or undefined. A path whose first segment is not
 * a field of the entry is looked up under `metrics.`.
 */
export function metricAt(entry: unknown, path: string): unknown {
  const parts = path.split('.');
  const direct = valueAt(entry, parts);
  if (direct !== undefined) return direct;
  const root = entry as Record<string, unknown> | null;
  if (parts[0] !== 'metrics' && root && typeof root === 'object' && !(parts[0]! in root)) {
    return valueAt(root.metrics, parts);
  }
  return undefined;
}

/**
 * The metric at `path` as a {@link MetricValue}, or null when it is missing, null, not finite, or of a
 * shape that carries no value. Shapes understood, in order:
 * - a finite number → the number, no interval;
 * - an object with a numeric `median` (a statistics object) → the median, with the interval of the median
 *   (`medianCi95`, the bootstrap interval measured statistics carry) or else `ci95` (the interval of the
 *   mean), widened to include the median if it lies outside; the median alone when neither is there;
 * - an object with a numeric `value` and a numeric `stderr` → value ± {@link Z95}·stderr;
 * - an object with a numeric `value` and a `ci95` pair → value with that interval;
 * - an object with a numeric `value` alone (e.g. energy `{value, method, estimated}`) → value, no interval.
 *
 * Null too for a metric the entry says it cannot measure (`metrics.notMeasured`, see notMeasuredReason),
 * whatever number it holds.
 */
export function resolveMetric(entry: unknown, path: string): MetricValue | null {
  if (notMeasuredReason(entry, path) !== null) return null;
  return toMetricValue(metricAt(entry, path));
}

/** Converts a raw metric (see {@link resolveMetric}) to a {@link MetricValue}. */
export function toMetricValue(raw: unknown): MetricValue | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw, low: raw, high: raw } : null;
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  const pair = isPair(o.ci95) ? o.ci95 : null;
  if (isFiniteNumber(o.median)) {
    const value = o.median;
    const interval = isPair(o.medianCi95) ? o.medianCi95 : pair;
    if (interval) return { value, low: Math.min(interval[0], value), high: Math.max(interval[1], value) };
    return { value, low: value, high: value };
  }
  if (isFiniteNumber(o.value)) {
    const value = o.value;
    if (isFiniteNumber(o.stderr)) {
      const half = Z95 * Math.abs(o.stderr);
      return { value, low: value - half, high: value + half };
    }
    return pair ? { value, low: Math.min(pair[0], value), high: Math.max(pair[1], value) } : { value, low: value, high: value };
  }
  return null;
}


function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && isFiniteNumber(value[0]) && isFiniteNumber(value[1]);
}
