/**
 * Option keys, per backend id, whose values differ between entries (matrix cells, planned entries or
 * records) of that backend: what entry labels and report tables show. A composite's (`cascade`,
 * `ensemble`) `stages` and `name` never count: its model's name says them already. A key that some entries
 * of the backend leave unset varies too (unset reads as `default`).
 */
export function varyingOptions(entries: readonly { backend: { id: string; options: Record<string, unknown> } }[]): Map<string, string[]> {
  /** Per backend: its entries, and per option key the values set and how many entries set it. */
  const backends = new Map<string, { entries: number; keys: Map<string, { values: Set<string>; set: number }> }>();
  for (const { backend } of entries) {
    const seen = backends.get(backend.id) ?? { entries: 0, keys: new Map<string, { values: Set<string>; set: number }>() };
    backends.set(backend.id, seen);
    seen.entries++;
    const composite = Array.isArray(backend.options.stages);
    for (const [key, value] of Object.entries(backend.options)) {
      if (value === undefined || (composite && (key === 'stages' || key === 'name'))) continue;
      const option = seen.keys.get(key) ?? { values: new Set<string>(), set: 0 };
      seen.keys.set(key, option);
      option.values.add(JSON.stringify(value));
      option.set++;
    }
  }
  const out = new Map<string, string[]>();
  for (const [id, seen] of backends) out.set(id, [...seen.keys].filter(([, o]) => o.values.size > 1 || o.set < seen.entries).map(([key]) => key));
  return out;
}
