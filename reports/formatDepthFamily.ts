/**
 * One line per depth sweep, for the console and Markdown: TTFT and TPOT medians from the smallest to the
 * largest depth, TPOT's growth per 1000 tokens of depth, and the largest depth meeting the run's latency
 * budget where one was judged. `stories15M · llama-cpp · pp64+tg64: TTFT 31.9 → 33.1 ms, TPOT 4.01 → 4.77 ms
 * from depth 0 to 128 (TPOT +5.94 ms per 1000 tokens); meets chat up to depth 128`.
 */
import type { DepthFamily } from './depthFamilies.js';
import type { SweepSource } from './sweepGroups.js';
import { formatNumber } from './formatNumber.js';

export function formatDepthFamily(family: DepthFamily<SweepSource>): string {
  const first = family.members[0]!;
  const last = family.members[family.members.length - 1]!;
  const ms = (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatNumber(value));
  const tpot = first.tpotMs && last.tpotMs ? `, TPOT ${ms(first.tpotMs.median)} → ${ms(last.tpotMs.median)} ms` : '';
  const slope = family.tpotSlopeMsPer1k === null ? '' : ` (TPOT ${family.tpotSlopeMsPer1k >= 0 ? '+' : '−'}${ms(Math.abs(family.tpotSlopeMsPer1k))} ms per 1000 tokens)`;
  const slo = family.slo
    ? family.slo.maxDepth === null
      ? `; misses ${family.slo.preset} at every depth`
      : `; meets ${family.slo.preset} up to depth ${family.slo.maxDepth}${family.slo.maxDepth === last.depth ? ' (the largest measured)' : ''}`
    : '';
  return `${family.label}: TTFT ${ms(first.ttftMs.median)} → ${ms(last.ttftMs.median)} ms${tpot} from depth ${first.depth} to ${last.depth}${slope}${slo}`;
}
