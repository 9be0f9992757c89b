/**
 * What a resumed sweep (`--resume`) does with a config or flags that differ from the ones it started
 * with (`sweep.json`). A difference that would change what an entry measures or which entries there are
 * (the matrix, the measurement policy, energy, accuracy tasks) is refused, naming the field: entries
 * measured before and after the change would not be comparable in one result. A field that only bounds
 * the run (`measure.timeoutSeconds`) is applied to the entries still to run, and said.
 */
import type { SweepConfig } from '../config/configSchema.js';
import { ConfigError } from '../errors.js';
import type { ShardInfo } from '../matrix/selectShard.js';

/** Fields a resumed sweep may change (dotted paths). */
export const RESUME_ADJUSTABLE: ReadonlySet<string> = new Set(['measure.timeoutSeconds']);

/** The config the resumed sweep runs with, and a note for each field applied from the given one. */
export interface ReconciledResume {
  config: SweepConfig;
  notes: string[];
}

/**
 * Compares `given` with `stored`; `compareSweep` false skips `sweep` (the caller compared the matrices
 * already, whose models may be written relative to another folder). Throws ConfigError for a refused
 * difference.
 */
export function reconcileResume(
  given: SweepConfig,
  stored: SweepConfig,
  options: { outDir: string; compareSweep: boolean; shard?: { index: number; count: number }; storedShard?: ShardInfo },
): ReconciledResume {
  const { outDir } = options;
  const storedShard = options.storedShard ? `${options.storedShard.index}/${options.storedShard.count}` : 'the whole plan';
  if (options.shard && (options.shard.index !== options.storedShard?.index || options.shard.count !== options.storedShard?.count)) {
    throw new ConfigError(`--resume: --shard ${options.shard.index}/${options.shard.count} differs from the sweep in ${outDir} (${storedShard})`);
  }
  const differences: Difference[] = [];
  for (const key of new Set([...Object.keys(given), ...Object.keys(stored)])) {
    if (key === 'out' || key === '$schema' || (key === 'sweep' && !options.compareSweep)) continue;
    diff((given as Record<string, unknown>)[key], (stored as Record<string, unknown>)[key], key, differences);
  }
  const refused = differences.find((d) => !RESUME_ADJUSTABLE.has(d.path));
  if (refused) {
    throw new ConfigError(
      `--resume: ${refused.path} is ${show(refused.given)} here but ${show(refused.stored)} in the sweep in ${outDir}; ` +
        'a resumed sweep keeps the settings it started with, so that its entries stay comparable: resume without the change, or start a new sweep in another --out',
    );
  }
  let config = stored;
  const notes: string[] = [];
  for (const d of differences) {
    config = setPath(config, d.path, d.given);
    notes.push(`--resume: ${d.path} is ${show(d.given)} for the entries still to run (was ${show(d.stored)})`);
  }
  return { config, notes };
}

interface Difference {
  path: string;
  given: unknown;
  stored: unknown;
}

function diff(given: unknown, stored: unknown, path: string, out: Difference[]): void {
  if (isPlainObject(given) && isPlainObject(stored)) {
    for (const key of new Set([...Object.keys(given), ...Object.keys(stored)])) diff(given[key], stored[key], `${path}.${key}`, out);
    return;
  }
  if (JSON.stringify(given) !== JSON.stringify(stored)) out.push({ path, given, stored });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setPath<T>(root: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const object = root as Record<string, unknown>;
  return { ...object, [head!]: rest.length ? setPath(object[head!], rest.join('.'), value) : value } as T;
}

function show(value: unknown): string {
  return value === undefined ? '(not set)' : JSON.stringify(value);
}
