/** A two-column table of a nested object's leaves (`cpu.brand`, `gpus[0].model`, …). */
import Table from 'cli-table3';

export function renderKeyValues(value: Record<string, unknown>): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [key, leaf] of flatten(value)) table.push([key, leaf]);
  return table.toString();
}

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, '—']];
    if (value.every((v) => typeof v !== 'object' || v === null)) return [[prefix, value.join(', ')]];
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value === null || value === undefined ? '—' : String(value)]];
}
