/** Parses `--match` values: comma-separated fields, repeatable (`model,backend,workload`). */
import { UsageError } from '../errors.js';
import { closestMatch } from '../util/closestMatch.js';
import { MATCH_FIELDS, type MatchField } from './entryMatchKey.js';

/**
 * The fields named in `values` (each may hold several, comma-separated), in the order given, without
 * repeats; throws a UsageError on an unknown field or on none at all. `options.NAME` is one backend option.
 */
export function parseMatchFields(values: readonly string[] | string): MatchField[] {
  const list = typeof values === 'string' ? [values] : values;
  const out: MatchField[] = [];
  for (const part of list.flatMap((v) => v.split(','))) {
    const name = part.trim();
    if (!name) continue;
    const known = (MATCH_FIELDS as readonly string[]).includes(name) || /^options\.[^.\s]+$/.test(name);
    if (!known) {
      const suggestion = closestMatch(name, MATCH_FIELDS);
      throw new UsageError(
        `--match: unknown field "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; fields: ${MATCH_FIELDS.join(', ')}, options.NAME`,
      );
    }
    if (!out.includes(name as MatchField)) out.push(name as MatchField);
  }
  if (out.length === 0) throw new UsageError(`--match: no field given; fields: ${MATCH_FIELDS.join(', ')}, options.NAME`);
  return out;
}
