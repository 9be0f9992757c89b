/** Formats a statistics object as `mean ± stdev` for tables. */
import type { Stats } from '../../harness/stats/summarize.js';

export function formatStat(stats: Stats | null | undefined, digits = 2): string {
  if (!stats) return '—';
  const mean = stats.mean.toFixed(digits);
  return stats.stdev === null ? mean : `${mean} ± ${stats.stdev.toFixed(digits)}`;
}
