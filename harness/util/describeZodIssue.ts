/**
 * One line for the first problem zod found, for every schema slmbench validates (configs, tasks, suites,
 * dataset manifests): the path as written in those files (`sweep.backends[1].threads`,
 * `dataset.fields.question`, `choices[1]`) and what was expected. A union's error reports the branch that
 * got furthest: the one whose first problem lies deepest, and among equally deep ones the first that is
 * not "expected an array" (the list form every scalar option also accepts).
 */
import type { z } from 'zod';
import { formatIssuePath } from './formatIssuePath.js';

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
    const depth = Math.max(...branches.map((b) => b.path.length));
    const furthest = branches.filter((b) => b.path.length === depth);
    const best = furthest.find((b) => b.code !== 'invalid_type' || b.expected !== 'array') ?? furthest[0];
    if (best) return deepest(best, path);
  }
  return { ...issue, path } as z.core.$ZodIssue;
}
