/**
 * SLM-Bench-style medals: on each objective, gold, silver and bronze for places 1, 2 and 3 among the
 * entries with a value. Places are by value with competition ranking: tied entries share a place and the
 * next place is skipped (two golds, then bronze).
 */
import type { EntryMedals } from './Ranking.js';
import type { ObjectiveDirection } from './Objective.js';

const MEDALS = ['gold', 'silver', 'bronze'] as const;

/**
 * Medals of each entry: `values[i][k]` is entry i's value on objective k (null when missing; no medal),
 * `objectives[k]` the objective's path and direction.
 */
export function awardMedals(
  values: readonly (readonly (number | null)[])[],
  objectives: readonly { metric: string; direction: ObjectiveDirection }[],
): EntryMedals[] {
  const medals: EntryMedals[] = values.map(() => ({ gold: 0, silver: 0, bronze: 0, byObjective: {} }));
  objectives.forEach((objective, k) => {
    const present = values.map((row) => row[k] ?? null).filter((v): v is number => v !== null);
    values.forEach((row, i) => {
      const v = row[k] ?? null;
      if (v === null) return;
      const better = present.filter((w) => (objective.direction === 'max' ? w > v : w < v)).length;
      const medal = MEDALS[better];
      if (!medal) return;
      const m = medals[i]!;
      m[medal]++;
      m.byObjective[objective.metric] = medal;
    });
  });
  return medals;
}
