/**
 * Option keys, per backend id, whose values differ between entries (matrix cells, planned entries or
 * records) of that backend: what entry labels and report tables show. A composite's (`cascade`,
 * `ensemble`) `stages` and `name` never count: its model's name says them already.
 */
export function varyingOptions(entries: readonly { backend: { id: string; options: Record<string, unknown> } }[]): Map<string, string[]> {
  const values = new Map<string, Map<string, Set<string>>>();
  for (const { backend } of entries) {
    const perKey = values.get(backend.id) ?? new Map<string, Set<string>>();
    values.set(backend.id, perKey);
    const composite = Array.isArray(backend.options.stages);
    for (const [key, value] of Object.entries(backend.options)) {
      if (composite && (key === 'stages' || key === 'name')) continue;
      const set = perKey.get(key) ?? new Set<string>();
      set.add(JSON.stringify(value));
      perKey.set(key, set);
    }
  }
  const out = new Map<string, string[]>();
  for (const [id, perKey] of values) out.set(id, [...perKey].filter(([, set]) => set.size > 1).map(([key]) => key));
  return out;
}
