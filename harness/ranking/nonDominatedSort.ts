/**
 * Non-dominated sorting (NSGA-II fronts) for any dominance relation. Significance-aware dominance is not
 * transitive, so a set can dominate itself in a cycle; such a remainder forms one front (reported).
 */

/** Fronts of indices 0..n-1, best first, each ascending; `cyclic` when some front was formed from a cycle. */
export interface Fronts {
  fronts: number[][];
  /** True when at some step every remaining entry was dominated by another remaining one. */
  cyclic: boolean;
  /** `dominators[i]`: indices of the entries that dominate entry i. */
  dominators: number[][];
}

/** Sorts `n` items into fronts; `dominates(i, j)` says whether item i dominates item j. */
export function nonDominatedSort(n: number, dominates: (i: number, j: number) => boolean): Fronts {
  const dominators: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && dominates(j, i)) dominators[i]!.push(j);
    }
  }
  const fronts: number[][] = [];
  let cyclic = false;
  let remaining = Array.from({ length: n }, (_, i) => i);
  while (remaining.length > 0) {
    const left = new Set(remaining);
    let front = remaining.filter((i) => !dominators[i]!.some((j) => left.has(j)));
    if (front.length === 0) {
      cyclic = true;
      front = remaining;
    }
    fronts.push(front);
    const taken = new Set(front);
    remaining = remaining.filter((i) => !taken.has(i));
  }
  return { fronts, cyclic, dominators };
}
