/**
 * Labels entries `model · backend options · workload`, the options being those that vary among the
 * entries of that backend ({@link varyingOptions}), e.g. `a · llama-cpp threads=1 · pp16+tg8`. Returns
 * new entries; the matrix labels its cells and the plan its entries with it.
 */
import { formatOption } from '../result/formatOption.js';
import { varyingOptions } from '../result/varyingOptions.js';

interface Labelled {
  label: string;
  model: { name: string };
  backend: { id: string; options: Record<string, unknown> };
  workload: { name: string };
}

export function labelEntries<T extends Labelled>(entries: readonly T[]): T[] {
  const varying = varyingOptions(entries);
  return entries.map((entry) => {
    const options = (varying.get(entry.backend.id) ?? []).map((key) => `${key}=${formatOption(entry.backend.options[key])}`);
    return { ...entry, label: [entry.model.name, [entry.backend.id, ...options].join(' '), entry.workload.name].join(' · ') };
  });
}
