/**
 * The varying option keys to show for an entry in labels and tables: a composite's (`cascade`,
 * `ensemble`) `stages` and `name` are left out, its model name says them already.
 */
import type { EntryRecord } from '../harness/result/EntryRecord.js';

export function labelOptionKeys(entry: Pick<EntryRecord, 'backend'>, keys: readonly string[]): string[] {
  if (!Array.isArray(entry.backend.options?.stages)) return [...keys];
  return keys.filter((k) => k !== 'stages' && k !== 'name');
}
