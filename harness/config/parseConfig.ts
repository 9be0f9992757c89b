/**
 * Reads and validates a config (YAML or JSON). Every error is one line naming the file, the path inside
 * it (`sweep.backends[1].threads`) and what was expected.
 */
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import { ConfigError } from '../errors.js';
import { closestMatch } from '../util/closestMatch.js';
import { configSchema, type SweepConfig } from './configSchema.js';
import { describeZodIssue, zodMessages } from '../util/describeZodIssue.js';
import { readDataFile } from '../util/readDataFile.js';

/** Reads a YAML or JSON config file and validates it against the registry's backends (default: the built-in ones). */
export function readConfigFile(file: string, registry: readonly BackendDefinition[] = backendRegistry): SweepConfig {
  return parseConfig(readDataFile(file, { what: 'config', error: (problem, shown) => new ConfigError(`${shown}: ${problem}`) }), file, registry);
}

/**
 * Validates config data (every default filled in); `source` names where it came from in error messages
 * (default: `config`), `registry` gives the backends and their option schemas (default: the built-in ones).
 */
export function parseConfig(data: unknown, source = 'config', registry: readonly BackendDefinition[] = backendRegistry): SweepConfig {
  checkBackendIds(data, source, registry);
  const result = configSchema(registry).safeParse(data, { error: zodMessages });
  if (result.success) return result.data;
  throw new ConfigError(`${source}: ${describeZodIssue(result.error.issues)}`);
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
