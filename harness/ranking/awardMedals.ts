/**
 * SLM-Bench-style medals: on each objective, gold, silver and bronze for places 1, 2 and 3 among the
 * entries with a value. An entry's place is 1 + the number of entries better than it on the objective,
 * where "better" is {@link compareOnObjective}'s: with significance on, entries whose intervals overlap
 * tie, so no medal is won on a gap the measurements cannot tell from noise (two entries 2% apart with
 * 10%-wide intervals share the place). Ties share a place and the next place is skipped (two golds,
 * then bronze).
 */
import type { EntryMedals } from './Ranking.js';
import type { ObjectiveDirection } from './Objective.js';
import { compareOnObjective } from './compareOnObjective.js';
import type { MetricValue } from './resolveMetric.js';

const MEDALS = ['gold', 'silver', 'bronze'] as const;

/**
 * Medals of each entry: `values[i][k]` is entry i's value on objective k with its interval (null when
 * missing; no medal), `objectives[k]` the objective's path and direction. `significance` (default true):
 * overlapping intervals tie.
 */
export function awardMedals(
  values: readonly (readonly (MetricValue | null)[])[],
  objectives: readonly { metric: string; direction: ObjectiveDirection }[],
  significance = true,
): EntryMedals[] {
  const medals: EntryMedals[] = values.map(() => ({ gold: 0, silver: 0, bronze: 0, byObjective: {} }));
  objectives.forEach((objective, k) => {
    const present = values.map((row) => row[k] ?? null).filter((v): v is MetricValue => v !== null);
    values.forEach((row, i) => {
      const v = row[k] ?? null;
      if (v === null) return;
      const better = present.filter((w) => compareOnObjective(w, v, objective.direction, significance) === 1).length;
      const medal = MEDALS[better];
      if (!medal) return;
      const m = medals[i]!;
      m[medal]++;
      m.byObjective[objective.metric] = medal;
    });
  });
  return medals;
}
