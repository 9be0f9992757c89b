/** Formats a share (0–1) as a percentage with at most one decimal: `0.4` → `40%`, `0.125` → `12.5%`; `—` for null. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${Number((value * 100).toFixed(1))}%`;
}
