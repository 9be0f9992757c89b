/**
 * Expands a validated config into the sweep matrix: models × backend option combinations × workloads,
 * in that order (llama-bench style: every list in an option multiplies the matrix).
 */
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { BackendDefinition } from '../../adapters/types.js';
import type { ModelSpec, SweepConfig, WorkloadSpec } from '../config/configSchema.js';
import { ConfigError } from '../errors.js';
import { formatIssuePath } from '../config/formatIssuePath.js';
import { stableHash } from '../util/stableHash.js';
import { hasScheme } from '../model/hasScheme.js';
import type { MatrixEntry, Workload } from './MatrixEntry.js';

/** Default prompt length of a workload that gives neither `promptTokens` nor `prompt`. */
export const DEFAULT_PROMPT_TOKENS = 128;

/**
 * @param config validated config
 * @param registry backend definitions (for option defaults)
 * @param baseDir folder that relative model paths are resolved against (the config file's folder, or cwd)
 */
export function expandMatrix(config: SweepConfig, registry: readonly BackendDefinition[], baseDir: string): MatrixEntry[] {
  const models = config.sweep.models.map((spec) => normalizeModel(spec, baseDir));
  const backends = config.sweep.backends.flatMap((backend, index) => expandBackend(backend as Record<string, unknown>, index, registry));
  const workloads = config.sweep.workloads.flatMap(expandWorkload);
  const entries: MatrixEntry[] = [];
  const seen = new Set<string>();
  for (const model of models) {
    for (const backend of backends) {
      for (const workload of workloads) {
        const id = stableHash({ model: model.spec, backend, workload: { ...workload, name: undefined } });
        if (seen.has(id)) continue; // the same cell listed twice runs once
        seen.add(id);
        entries.push({
          id,
          index: entries.length,
          label: '',
          model,
          backend,
          workload,
        });
      }
    }
  }
  const varying = varyingOptions(entries);
  for (const entry of entries) {
    const options = (varying.get(entry.backend.id) ?? []).map((key) => `${key}=${formatOption(entry.backend.options[key])}`);
    entry.label = [entry.model.name, [entry.backend.id, ...options].join(' '), entry.workload.name].join(' · ');
  }
  return entries;
}

/** Option keys, per backend id, whose values differ between entries of that backend. */
export function varyingOptions(entries: readonly Pick<MatrixEntry, 'backend'>[]): Map<string, string[]> {
  const values = new Map<string, Map<string, Set<string>>>();
  for (const { backend } of entries) {
    const perKey = values.get(backend.id) ?? new Map<string, Set<string>>();
    values.set(backend.id, perKey);
    for (const [key, value] of Object.entries(backend.options)) {
      const set = perKey.get(key) ?? new Set<string>();
      set.add(JSON.stringify(value));
      perKey.set(key, set);
    }
  }
  const out = new Map<string, string[]>();
  for (const [id, perKey] of values) out.set(id, [...perKey].filter(([, set]) => set.size > 1).map(([key]) => key));
  return out;
}

function formatOption(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function normalizeModel(spec: ModelSpec, baseDir: string): MatrixEntry['model'] {
  const path = typeof spec === 'string' ? spec : spec.path;
  // A spec with a scheme (forge:…) is resolved to files just before the sweep runs.
  const absolute = hasScheme(path) || isAbsolute(path) ? path : resolve(baseDir, path);
  const fallbackName = displayName(absolute);
  const name = typeof spec === 'string' ? fallbackName : (spec.name ?? fallbackName);
  return { spec: path, path: absolute, name };
}

/** Folder names that say how a model is stored, not which model it is. */
const GENERIC_FOLDERS = new Set(['transformersjs', 'transformers-js', 'onnx', 'gguf', 'model', 'models']);

/** The file name without extension; for a folder with a generic name, `parent/folder`. */
function displayName(path: string): string {
  if (hasScheme(path)) return path.replace(/^[a-z][a-z0-9+.-]*:/i, '');
  const name = basename(path, extname(path)) || path;
  if (GENERIC_FOLDERS.has(basename(path).toLowerCase())) return `${basename(dirname(path))}/${basename(path)}`;
  return name;
}

function expandBackend(
  spec: Record<string, unknown>,
  index: number,
  registry: readonly BackendDefinition[],
): MatrixEntry['backend'][] {
  const id = spec.id as string;
  const definition = registry.find((d) => d.id === id);
  if (!definition) throw new ConfigError(`sweep.backends[${index}].id: unknown backend "${id}"`);
  const axes = Object.entries(spec).filter(([key, value]) => key !== 'id' && value !== undefined);
  const combos = cartesian(axes.map(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => [key, v] as const)));
  return combos.map((pairs) => {
    const parsed = definition.optionsSchema.safeParse(Object.fromEntries(pairs));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`sweep.backends[${index}].${formatIssuePath(issue.path)}: ${issue.message}`);
    }
    return { id, options: parsed.data as Record<string, unknown> };
  });
}

function expandWorkload(spec: WorkloadSpec): Workload[] {
  const gens = Array.isArray(spec.genTokens) ? spec.genTokens : [spec.genTokens];
  const out: Workload[] = [];
  if (spec.prompt !== undefined) {
    const prompts = Array.isArray(spec.prompt) ? spec.prompt : [spec.prompt];
    for (const prompt of prompts) {
      for (const genTokens of gens) {
        out.push({ name: `prompt#${stableHash(prompt, 6)}+tg${genTokens}`, prompt, genTokens });
      }
    }
    return out;
  }
  const lengths = spec.promptTokens === undefined ? [DEFAULT_PROMPT_TOKENS] : Array.isArray(spec.promptTokens) ? spec.promptTokens : [spec.promptTokens];
  for (const promptTokens of lengths) {
    for (const genTokens of gens) out.push({ name: `pp${promptTokens}+tg${genTokens}`, promptTokens, genTokens });
  }
  return out;
}

/** Cartesian product; the last axis varies fastest. */
export function cartesian<T>(axes: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const axis of axes) out = out.flatMap((prefix) => axis.map((value) => [...prefix, value]));
  return out;
}
