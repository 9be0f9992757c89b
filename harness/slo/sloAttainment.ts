/**
 * Whether an entry meets a latency budget: per measured repetition (every process's, the cold first ones
 * left out as the statistics leave them out), every bound of the budget is checked on that repetition's own
 * TTFT, TPOT, 99th percentile of its inter-token gaps and end-to-end time; the attainment is the share of
 * repetitions within every bound, with its Wilson 95% interval. The entry meets the budget when the
 * attainment reaches the target (default 0.9: nine requests in ten).
 */
import { percentileSorted } from '../stats/summarize.js';
import { wilsonInterval } from '../stats/wilsonInterval.js';
import type { SloBounds } from './sloPresets.js';

/** A repetition as the budget reads it. */
export interface SloRepetition {
  ttftMs: number;
  tpotMs: number | null;
  e2eMs: number;
  itlMs: readonly number[];
}

/** `metrics.slo`. */
export interface EntrySlo {
  /** The preset's name, or `custom`. */
  preset: string;
  bounds: SloBounds;
  /** Share of repetitions within every bound. */
  attainment: number;
  /** Wilson 95% interval of the attainment. */
  ci95: [number, number];
  /** Repetitions judged. */
  n: number;
  /** Attainment the budget asks for. */
  target: number;
  /** Whether the attainment reaches the target. */
  met: boolean;
  /** Per bound, the repetitions past it (a repetition past several counts under each). */
  misses: Partial<Record<keyof SloBounds, number>>;
}

export function sloAttainment(preset: string, bounds: SloBounds, target: number, repetitions: readonly SloRepetition[]): EntrySlo {
  const misses: Partial<Record<keyof SloBounds, number>> = {};
  const value = (r: SloRepetition, key: keyof SloBounds): number | null => {
    if (key === 'itlP99Ms') return r.itlMs.length ? percentileSorted([...r.itlMs].sort((a, b) => a - b), 0.99) : null;
    return r[key];
  };
  let within = 0;
  for (const r of repetitions) {
    let ok = true;
    for (const key of Object.keys(bounds) as (keyof SloBounds)[]) {
      const v = value(r, key);
      // A figure the repetition has none of (TPOT of a one-token output) cannot break the bound.
      if (v !== null && v > bounds[key]!) {
        ok = false;
        misses[key] = (misses[key] ?? 0) + 1;
      }
    }
    if (ok) within++;
  }
  const n = repetitions.length;
  const attainment = n ? within / n : 0;
  return { preset, bounds, attainment, ci95: wilsonInterval(within, n), n, target, met: n > 0 && attainment >= target, misses };
}
