/**
 * Reads and validates a config (YAML or JSON). Every error is one line naming the file, the path inside
 * it (`sweep.backends[1].threads`) and what was expected.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { BackendDefinition } from '../../adapters/types.js';
import { ConfigError } from '../errors.js';
import { closestMatch } from '../util/closestMatch.js';
import { configSchema, type SweepConfig } from './configSchema.js';
import { formatIssuePath } from './formatIssuePath.js';

/** Reads a YAML or JSON config file and validates it. */
export function readConfigFile(file: string, registry: readonly BackendDefinition[]): SweepConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read config (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(data, file, registry);
}

/** Validates config data; `source` names where it came from in error messages. */
export function parseConfig(data: unknown, source: string, registry: readonly BackendDefinition[]): SweepConfig {
  checkBackendIds(data, source, registry);
  const result = configSchema(registry).safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(`${source}: ${describeIssue(result.error.issues)}`);
}

function checkBackendIds(data: unknown, source: string, registry: readonly BackendDefinition[]): void {
  const backends = (data as { sweep?: { backends?: unknown } } | null)?.sweep?.backends;
  if (!Array.isArray(backends)) return;
  const known = registry.map((d) => d.id);
  backends.forEach((backend: unknown, index) => {
    const id = (backend as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') {
      throw new ConfigError(`${source}: sweep.backends[${index}].id: expected a backend id (${known.join(', ')})`);
    }
    if (!known.includes(id)) {
      const suggestion = closestMatch(id, known);
      throw new ConfigError(
        `${source}: sweep.backends[${index}].id: unknown backend "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${known.join(', ')}`,
      );
    }
  });
}

function describeIssue(issues: readonly z.core.$ZodIssue[]): string {
  // Union errors nest the interesting issue; report the deepest one.
  const issue = deepest(issues[0]!);
  const path = formatIssuePath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${path}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${path}: ${issue.message}`;
}

function deepest(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): z.core.$ZodIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Prefer the branch that got furthest (a scalar branch's type error over a list branch's).
    const branches = issue.errors.map((branch) => branch[0]).filter((b): b is z.core.$ZodIssue => b !== undefined);
    const best = branches.find((b) => b.code !== 'invalid_type' || b.expected !== 'array') ?? branches[0];
    if (best) return deepest(best, path);
  }
  return { ...issue, path } as z.core.$ZodIssue;
}
