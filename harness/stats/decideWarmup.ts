/**
 * When to stop warming up. Either a fixed number of discarded repetitions, or "until stable": the last
 * `window` warmup repetition times lie within `relativeTolerance` of each other
 * (max ≤ min · (1 + relativeTolerance)), with at least `minRuns` and at most `maxRuns` warmups.
 * Pure: the caller times each warmup repetition and asks again.
 */

/** A fixed number of warmup repetitions. */
export interface FixedWarmup {
  mode: 'fixed';
  /** Warmup repetitions to run and discard (0 = none). Default: 1. */
  count?: number;
}

/** Warm up until the repetition time settles. */
export interface StableWarmup {
  mode: 'stable';
  /** Number of most recent warmup times that must agree. Default: 3. */
  window?: number;
  /** Allowed spread of those times: max ≤ min · (1 + relativeTolerance). Default: 0.05. */
  relativeTolerance?: number;
  /** Never fewer warmups than this (at least `window` are needed to judge). Default: `window`. */
  minRuns?: number;
  /** Never more warmups than this, stable or not. Default: 10. */
  maxRuns?: number;
}

/** Warmup policy. Default: `{ mode: 'fixed', count: 1 }`. */
export type WarmupPolicy = FixedWarmup | StableWarmup;

/** The answer of {@link decideWarmup}. */
export interface WarmupDecision {
  /** True when warming up is over. */
  done: boolean;
  /** Why it is over: the fixed count was run, the times settled, or the maximum was reached; null while going on. */
  reason: 'count' | 'stable' | 'max' | null;
  /** (max − min) ÷ min of the last `window` times, when at least `window` were given (stable mode); else null. */
  spread: number | null;
}

/** Decides, from the durations of the warmup repetitions run so far (any unit), whether to run another. */
export function decideWarmup(times: readonly number[], policy: WarmupPolicy = { mode: 'fixed', count: 1 }): WarmupDecision {
  for (const t of times) {
    if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`warmup time ${t} must be a finite number ≥ 0`);
  }
  if (policy.mode === 'fixed') {
    const count = policy.count ?? 1;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`warmup count ${count} must be an integer ≥ 0`);
    const done = times.length >= count;
    return { done, reason: done ? 'count' : null, spread: null };
  }
  const window = policy.window ?? 3;
  const tolerance = policy.relativeTolerance ?? 0.05;
  const minRuns = policy.minRuns ?? window;
  const maxRuns = policy.maxRuns ?? 10;
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`warmup window ${window} must be an integer ≥ 2`);
  if (!(tolerance >= 0)) throw new RangeError(`warmup relativeTolerance ${tolerance} must be ≥ 0`);
  if (!Number.isInteger(maxRuns) || maxRuns < 0) throw new RangeError(`warmup maxRuns ${maxRuns} must be an integer ≥ 0`);
  if (!Number.isInteger(minRuns) || minRuns < 0 || minRuns > maxRuns) {
    throw new RangeError(`warmup minRuns ${minRuns} must be an integer in [0, maxRuns = ${maxRuns}]`);
  }
  let spread: number | null = null;
  if (times.length >= window) {
    const last = times.slice(-window);
    const min = Math.min(...last);
    const max = Math.max(...last);
    spread = min > 0 ? (max - min) / min : max === 0 ? 0 : Number.POSITIVE_INFINITY;
  }
  if (times.length >= minRuns && spread !== null && spread <= tolerance) return { done: true, reason: 'stable', spread };
  if (times.length >= maxRuns) return { done: true, reason: 'max', spread };
  return { done: false, reason: null, spread };
}
