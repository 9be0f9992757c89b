/**
 * The bounds of a latency budget one request breaks, read on its own TTFT, TPOT, 99th percentile of its
 * inter-token gaps and end-to-end time. A figure the request has none of (TPOT of a one-token output)
 * cannot break its bound. What `sloAttainment` counts and goodput judges.
 */
import { percentileSorted } from '../stats/summarize.js';
import type { SloBounds } from './sloPresets.js';

/** A request as a budget reads it. */
export interface SloRepetition {
  ttftMs: number;
  tpotMs: number | null;
  e2eMs: number;
  itlMs: readonly number[];
}

export function sloMisses(bounds: SloBounds, r: SloRepetition): (keyof SloBounds)[] {
  const value = (key: keyof SloBounds): number | null => {
    if (key === 'itlP99Ms') return r.itlMs.length ? percentileSorted([...r.itlMs].sort((a, b) => a - b), 0.99) : null;
    return r[key];
  };
  return (Object.keys(bounds) as (keyof SloBounds)[]).filter((key) => {
    const v = value(key);
    return v !== null && v > bounds[key]!;
  });
}
