/** Parses `--allow-mismatch` values: comma-separated kinds, repeatable (`device,backend-version`). */
import { UsageError } from '../errors.js';
import { closestMatch } from '../util/closestMatch.js';
import { MISMATCH_KINDS, type MismatchKind } from './findMismatches.js';

/** The kinds named in `values` (each may hold several, comma-separated); throws a UsageError on an unknown kind. */
export function parseAllowMismatch(values: readonly string[] | string | undefined): Set<MismatchKind> {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out = new Set<MismatchKind>();
  for (const part of list.flatMap((v) => v.split(','))) {
    const name = part.trim();
    if (!name) continue;
    if (!(MISMATCH_KINDS as readonly string[]).includes(name)) {
      const suggestion = closestMatch(name, MISMATCH_KINDS);
      throw new UsageError(
        `--allow-mismatch: unknown kind "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; kinds: ${MISMATCH_KINDS.join(', ')}`,
      );
    }
    out.add(name as MismatchKind);
  }
  return out;
}
