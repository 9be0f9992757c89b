/**
 * One line for the first problem zod found, for every schema slmbench validates (configs, tasks, suites,
 * dataset manifests, backend options): the path as written in those files (`sweep.backends[1].threads`,
 * `dataset.fields.question`, `choices[1]`) and what was expected. Parse with {@link zodMessages} as the
 * error map (`schema.safeParse(data, { error: zodMessages })`) so that an unknown field gets a "did you
 * mean" from the fields the object accepts, and a value that fits no form of a union names every accepted
 * form (`expected a positive integer or "auto", or a list of them`). A union whose branches got further
 * into the value (an object with a bad field) reports the branch that got furthest: the one whose first
 * problem lies deepest, and among equally deep ones the first that is not "expected an array" (the list
 * form every scalar option also accepts).
 */
import type { z } from 'zod';
import { closestMatch } from './closestMatch.js';
import { formatIssuePath } from './formatIssuePath.js';

/** `path: message` for the first issue. */
export function describeZodIssue(issues: readonly z.core.$ZodIssue[]): string {
  const issue = deepest(issues[0]!);
  const path = formatIssuePath(issue.path);
  if (issue.code === 'unrecognized_keys' && !issue.message.startsWith('unknown field')) {
    return `${path}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${path}: ${issue.message}`;
}

/** zod error map for slmbench's messages; see the module comment. */
export const zodMessages = (issue: z.core.$ZodRawIssue): string | undefined => {
  const schema = issue.inst as z.core.$ZodType | undefined;
  if (issue.code === 'unrecognized_keys' && schema) {
    const known = Object.keys(objectShape(schema));
    return (issue.keys as string[])
      .map((key) => {
        const suggestion = closestMatch(key, known);
        return `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
      })
      .join(', ');
  }
  if (issue.code === 'invalid_union' && schema && defOf(schema).type === 'union') {
    return `expected ${describeSchema(schema)}, got ${describeValue(issue.input)}`;
  }
  return undefined;
};

function deepest(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): z.core.$ZodIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.map((branch) => branch[0]).filter((b): b is z.core.$ZodIssue => b !== undefined);
    const depth = Math.max(...branches.map((b) => b.path.length));
    // Every form failed on the value itself: the union's own message names them all (when the map made it).
    if (depth === 0 && issue.message.startsWith('expected ')) return { ...issue, path } as z.core.$ZodIssue;
    const furthest = branches.filter((b) => b.path.length === depth);
    const best = furthest.find((b) => b.code !== 'invalid_type' || b.expected !== 'array') ?? furthest[0];
    if (best) return deepest(best, path);
  }
  return { ...issue, path } as z.core.$ZodIssue;
}

interface SchemaDef {
  type: string;
  options?: z.core.$ZodType[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  element?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  shape?: Record<string, unknown>;
  checks?: { _zod: { def: { check?: string; value?: unknown; inclusive?: boolean; format?: string; minimum?: number } } }[];
}

function defOf(schema: z.core.$ZodType): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}

function objectShape(schema: z.core.$ZodType): Record<string, unknown> {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape ?? {};
  if (def.innerType) return objectShape(def.innerType);
  return {};
}

/** The accepted forms of a schema in words: `a positive integer or "auto", or a list of them`. */
export function describeSchema(schema: z.core.$ZodType): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'union': {
      const options = def.options ?? [];
      const scalars = options.filter((o) => defOf(o).type !== 'array');
      const lists = options.filter((o) => defOf(o).type === 'array');
      const scalarText = joinForms(scalars.flatMap(forms));
      // The list form every scalar option also accepts: "…, or a list of them".
      if (scalars.length && lists.length === 1 && describeSchema(defOf(lists[0]!).element!) === scalarText) return `${scalarText}, or a list of them`;
      return joinForms(options.flatMap(forms));
    }
    case 'literal':
      return joinForms((def.values ?? []).map((v) => JSON.stringify(v)));
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'number':
      return describeNumber(def);
    case 'string':
      return (def.checks ?? []).some((c) => c._zod.def.check === 'min_length' && (c._zod.def.minimum ?? 0) > 0) ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return `a list (each ${describeSchema(def.element!)})`;
    case 'object':
      return 'an object';
    case 'nullable':
      return `${describeSchema(def.innerType!)} or null`;
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return describeSchema(def.innerType!);
    case 'pipe':
      return describeSchema(def.in!);
    default:
      return def.type;
  }
}

/** A schema's forms, a nested union's flattened, literals last. */
function forms(schema: z.core.$ZodType): string[] {
  const def = defOf(schema);
  if (def.type === 'union' && !(def.options ?? []).some((o) => defOf(o).type === 'array')) return (def.options ?? []).flatMap(forms);
  if (def.type === 'literal') return (def.values ?? []).map((v) => JSON.stringify(v));
  return [describeSchema(schema)];
}

function joinForms(parts: readonly string[]): string {
  const unique = [...new Set(parts)];
  const ordered = [...unique.filter((p) => !p.startsWith('"')), ...unique.filter((p) => p.startsWith('"'))];
  if (ordered.length <= 1) return ordered[0] ?? 'nothing';
  return `${ordered.slice(0, -1).join(', ')} or ${ordered[ordered.length - 1]}`;
}

function describeNumber(def: SchemaDef): string {
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const integer = checks.some((c) => c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32' || c.format === 'uint32'));
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const noun = integer ? 'integer' : 'number';
  let text = `a ${noun}`;
  if (lower && typeof lower.value === 'number') {
    const min = lower.value;
    if ((min === 0 && !lower.inclusive) || (integer && min === 1 && lower.inclusive)) text = `a positive ${noun}`;
    else if (min === 0 && lower.inclusive) text = `a non-negative ${noun}`;
    else text = `a ${noun} ${lower.inclusive ? '≥' : '>'} ${min}`;
  }
  if (upper && typeof upper.value === 'number') text += ` ${upper.inclusive ? '≤' : '<'} ${upper.value}`;
  return text;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
