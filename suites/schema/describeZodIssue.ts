/**
 * One line for the first problem zod found: the path as written in task files
 * (`dataset.fields.question`, `choices[1]`) and what was expected. Union errors report the branch that
 * got furthest.
 */
import type { z } from 'zod';
import { formatIssuePath } from '../../harness/config/formatIssuePath.js';

/** `path: message` for the first issue. */
export function describeZodIssue(issues: readonly z.core.$ZodIssue[]): string {
  const issue = deepest(issues[0]!);
  const path = formatIssuePath(issue.path);
  if (issue.code === 'unrecognized_keys') return `${path}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${path}: ${issue.message}`;
}

function deepest(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): z.core.$ZodIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.map((branch) => branch[0]).filter((b): b is z.core.$ZodIssue => b !== undefined);
    // The branch whose first problem lies deepest got furthest.
    const best = branches.reduce<z.core.$ZodIssue | undefined>((a, b) => (!a || b.path.length > a.path.length ? b : a), undefined);
    if (best) return deepest(best, path);
  }
  return { ...issue, path } as z.core.$ZodIssue;
}
