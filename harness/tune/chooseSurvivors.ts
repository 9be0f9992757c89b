/**
 * One halving step of `slmbench tune`: the candidates that may win (their greedy ids equal the defaults',
 * they did not fail) ranked by the objective's median, best first; the better half goes on (at least one),
 * and the search ends when the best one's 95% interval is clear of every other eligible candidate's (it
 * wins on evidence) or one is left.
 */

/** A candidate's standing after a round. */
export interface CandidateScore {
  key: string;
  median: number;
  /** 95% interval of the median. */
  ci: [number, number];
  /** May win: ran, and generated the defaults' greedy ids. */
  eligible: boolean;
}

/** What the round decided. */
export interface HalvingStep {
  /** Keys going on to the next round, best first. */
  survivors: string[];
  /** The best key when its interval is clear of every other eligible one's, or it is the only one left; else null. */
  winner: string | null;
}

/** @param higherIsBetter the objective's direction (decode tok/s: true; TTFT: false) */
export function chooseSurvivors(scores: readonly CandidateScore[], higherIsBetter: boolean): HalvingStep {
  const eligible = scores.filter((s) => s.eligible);
  if (eligible.length === 0) return { survivors: [], winner: null };
  const sign = higherIsBetter ? 1 : -1;
  const ranked = [...eligible].sort((a, b) => sign * (b.median - a.median) || (a.key < b.key ? -1 : 1));
  const best = ranked[0]!;
  const clear = ranked.slice(1).every((other) => (higherIsBetter ? best.ci[0] > other.ci[1] : best.ci[1] < other.ci[0]));
  const survivors = ranked.slice(0, Math.max(1, Math.ceil(ranked.length / 2))).map((s) => s.key);
  return { survivors, winner: clear || ranked.length === 1 ? best.key : null };
}
