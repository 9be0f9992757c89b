/**
 * Attaches a ranking to a run result: what `slmbench run` stores as `ranking` in `result.json`.
 */
import type { RunResult } from '../result/RunResult.js';
import type { Ranking } from './Ranking.js';
import { rankEntries, type RankingOptions } from './rankEntries.js';

/** A run result with its ranking (`ranking` is absent in results written before ranking existed). */
export type RankedRunResult = RunResult & { ranking?: Ranking };

/** A copy of `result` with `ranking` computed over its entries (any previous ranking is replaced). */
export function attachRanking(result: RunResult, options: RankingOptions = {}): RankedRunResult & { ranking: Ranking } {
  return { ...result, ranking: rankEntries(result.entries, options) };
}
