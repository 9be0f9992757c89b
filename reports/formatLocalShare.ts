import type { CompositeFields } from './compositeFields.js';
import { formatPercent } from './formatPercent.js';

/**
 * A composite's share answered on the device as the tables print it: `100%`, or `60% · 42% of prompt tokens`
 * where the prompt tokens' share was recorded and differs; `—` without a record of it.
 */
export function formatLocalShare(share: CompositeFields['localShare']): string {
  if (!share) return '—';
  const requests = formatPercent(share.requests);
  if (share.promptTokens === null) return `${requests} · prompt tokens n/a`;
  const tokens = formatPercent(share.promptTokens);
  return tokens === requests ? requests : `${requests} · ${tokens} of prompt tokens`;
}
