/**
 * One line per concurrency sweep, for the console and Markdown: the output rate over all requests from the
 * fewest to the most requests with the gain, how the backend batched, and each request's TTFT and TPOT.
 * `stories15M · onnxruntime · pp64+tg64: output 210 → 610 tok/s (2.9×) from 1 to 4 requests (static
 * batching); per request TTFT 25 → 61 ms, TPOT 4.7 → 6.2 ms`.
 */
import type { ConcurrencyFamily } from './concurrencyFamilies.js';
import type { SweepSource } from './sweepGroups.js';
import { formatNumber } from './formatNumber.js';

export function formatConcurrencyFamily(family: ConcurrencyFamily<SweepSource>): string {
  const first = family.members[0]!;
  const last = family.members[family.members.length - 1]!;
  const kinds = [...new Set(family.members.filter((m) => m.batching !== 'single').map((m) => m.batching))];
  const how = kinds.length ? ` (${kinds.map((k) => (k === 'sequential' ? 'one after another: the backend cannot batch' : `${k} batching`)).join(', ')})` : '';
  const tpot = first.tpotMs && last.tpotMs ? `, TPOT ${formatNumber(first.tpotMs.median)} → ${formatNumber(last.tpotMs.median)} ms` : '';
  const goodput = last.goodputRps !== null ? `; goodput ${formatNumber(last.goodputRps)} requests/s at ${last.concurrency}` : '';
  return `${family.label}: output ${formatNumber(first.outputTps.median)} → ${formatNumber(last.outputTps.median)} tok/s (${formatNumber(family.gain)}×) from ${first.concurrency} to ${last.concurrency} requests${how}; per request TTFT ${formatNumber(first.ttftMs.median)} → ${formatNumber(last.ttftMs.median)} ms${tpot}${goodput}`;
}
