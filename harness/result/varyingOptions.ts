/**
 * Option keys, per backend id, whose values differ between entries (matrix cells, planned entries or
 * records) of that backend: what entry labels and report tables show. A composite's (`cascade`,
 * `ensemble`) `stages` and `name` never count: its model's name says them already. A key that some entries
 * of the backend leave unset varies too (unset reads as `default`).
 */
export function varyingOptions(entries: readonly { backend: { id: string; options: Record<string, unknown> } }[]): Map<string, string[]> {
  const values = new Map<string, Map<string, Set<string>>>();
  const counts = new Map<string, number>();
  for (const { backend } of entries) {
    counts.set(backend.id, (counts.get(backend.id) ?? 0) + 1);
    const perKey = values.get(backend.id) ?? new Map<string, Set<string>>();
    values.set(backend.id, perKey);
    const composite = Array.isArray(backend.options.stages);
    for (const [key, value] of Object.entries(backend.options)) {
      if (composite && (key === 'stages' || key === 'name')) continue;
      const set = perKey.get(key) ?? new Set<string>();
      if (value === undefined) continue;
      set.add(JSON.stringify(value));
      perKey.set(key, set);
    }
  }
  const setIn = (id: string, key: string) => entries.filter((e) => e.backend.id === id && e.backend.options[key] !== undefined).length;
  const out = new Map<string, string[]>();
  for (const [id, perKey] of values) out.set(id, [...perKey].filter(([key, set]) => set.size > 1 || setIn(id, key) < counts.get(id)!).map(([key]) => key));
  return out;
}
