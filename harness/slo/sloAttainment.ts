/**
 * Whether an entry meets a latency budget: per measured repetition (every process's, the cold first ones
 * left out as the statistics leave them out), every bound of the budget is checked on that repetition's own
 * TTFT, TPOT, 99th percentile of its inter-token gaps and end-to-end time; the attainment is the share of
 * repetitions within every bound, with its Wilson 95% interval. The entry meets the budget when the
 * attainment reaches the target (default 0.9: nine requests in ten).
 */
import { sloMisses, type SloRepetition } from './sloMisses.js';
import { wilsonInterval } from '../stats/wilsonInterval.js';
import type { SloBounds } from './sloPresets.js';

export type { SloRepetition } from './sloMisses.js';

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
  let within = 0;
  for (const r of repetitions) {
    const broken = sloMisses(bounds, r);
    for (const key of broken) misses[key] = (misses[key] ?? 0) + 1;
    if (broken.length === 0) within++;
  }
  const n = repetitions.length;
  const attainment = n ? within / n : 0;
  return { preset, bounds, attainment, ci95: wilsonInterval(within, n), n, target, met: n > 0 && attainment >= target, misses };
}
