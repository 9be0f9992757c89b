/**
 * Expands a validated config into the sweep matrix: models × backend option combinations × workloads,
 * in that order (llama-bench style: every list in an option multiplies the matrix).
 */
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { BackendDefinition } from '../../adapters/types.js';
import type { ModelRef } from '../model/PreparedModel.js';
import { labelEntries } from './labelEntries.js';
import type { ModelSpec, SweepConfig, WorkloadSpec } from '../config/configSchema.js';
import { ConfigError } from '../errors.js';
import { describeZodIssue, zodMessages } from '../util/describeZodIssue.js';
import { stableHash } from '../util/stableHash.js';
import { hasScheme } from '../model/hasScheme.js';
import type { MatrixEntry, Workload } from './MatrixEntry.js';

/** Default prompt length of a workload that gives neither `promptTokens` nor `prompt`. */
export const DEFAULT_PROMPT_TOKENS = 128;

/** A composite's stage in a matrix cell: the model as the config names it, the stage backend with its parsed options. */
export interface StageRef {
  model: ModelRef;
  backend: { id: string; options: Record<string, unknown> };
}

/**
 * Entries of composite backends (`cascade`, `ensemble`; `composite: true`) are not crossed with the
 * models: each of their option combinations × workloads is one entry, whose model is the composite of its
 * stages (spec `cascade:NAME`, name the `name` option or the stage models' names joined). Their `stages`
 * are resolved here into {@link StageRef}s: model paths made absolute, each stage backend's
 * options parsed by its own schema (one value per option).
 *
 * @param config validated config
 * @param registry backend definitions (for option defaults)
 * @param baseDir folder that relative model paths are resolved against (the config file's folder, or cwd)
 */
export function expandMatrix(config: SweepConfig, registry: readonly BackendDefinition[], baseDir: string): MatrixEntry[] {
  const models = config.sweep.models.map((spec) => normalizeModel(spec, baseDir));
  const expanded = config.sweep.backends.map((backend, index) => ({
    index,
    composite: registry.find((d) => d.id === (backend as { id: string }).id)?.composite === true,
    options: expandBackend(backend as Record<string, unknown>, index, registry, baseDir),
  }));
  const single = expanded.filter((b) => !b.composite);
  if (single.length && !models.length) {
    throw new ConfigError(`sweep.models: backend ${config.sweep.backends[single[0]!.index]!.id} needs at least one model`);
  }
  const workloads = config.sweep.workloads.flatMap(expandWorkload);
  const entries: MatrixEntry[] = [];
  const seen = new Set<string>();
  const add = (model: MatrixEntry['model'], backend: MatrixEntry['backend'], workload: Workload) => {
    const id = stableHash({ model: model.spec, backend: hashedBackend(backend), workload: { ...workload, name: undefined } });
    if (seen.has(id)) return; // the same cell listed twice runs once
    seen.add(id);
    entries.push({ id, index: entries.length, label: '', model, backend, workload });
  };
  for (const model of models) {
    for (const backend of single.flatMap((b) => b.options)) {
      for (const workload of workloads) add(model, backend, workload);
    }
  }
  for (const backend of expanded.filter((b) => b.composite).flatMap((b) => b.options)) {
    for (const workload of workloads) add(compositeModel(backend), backend, workload);
  }
  return labelEntries(entries);
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
  baseDir: string,
): MatrixEntry['backend'][] {
  const id = spec.id as string;
  const definition = registry.find((d) => d.id === id);
  if (!definition) throw new ConfigError(`sweep.backends[${index}].id: unknown backend "${id}"`);
  const shape = definition.optionsSchema.shape as Record<string, z.ZodType>;
  const axes = Object.entries(spec).filter(([key, value]) => key !== 'id' && value !== undefined);
  const combos = cartesian(axes.map(([key, value]) => valuesOf(value, shape[key]).map((v) => [key, v] as const)));
  return combos.map((pairs) => {
    const parsed = definition.optionsSchema.safeParse(Object.fromEntries(pairs), { error: zodMessages });
    if (!parsed.success) throw new ConfigError(`sweep.backends[${index}].${describeZodIssue(parsed.error.issues)}`);
    const options = parsed.data as Record<string, unknown>;
    if (definition.composite) options.stages = resolveStages(options.stages, `sweep.backends[${index}].stages`, registry, baseDir);
    return { id, options };
  });
}

/**
 * The values an option takes in the matrix: a list expands into one entry per value, except for options
 * whose own values are lists (a cascade's `stages`, an ensemble's `weights`): those expand only from a
 * list of lists.
 */
function valuesOf(value: unknown, field: z.ZodType | undefined): unknown[] {
  if (!Array.isArray(value)) return [value];
  if (field && isListOption(field)) return value.length > 0 && value.every(Array.isArray) ? value : [value];
  return value;
}

function isListOption(field: z.ZodType): boolean {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = inner.def.innerType as z.ZodType;
  }
  return inner instanceof z.ZodArray;
}

/** A composite backend's stages as the adapter reads them: model paths absolute, stage options parsed with defaults. */
function resolveStages(stages: unknown, path: string, registry: readonly BackendDefinition[], baseDir: string): StageRef[] {
  if (!Array.isArray(stages)) throw new ConfigError(`${path}: expected a list of { model, backend }`);
  return stages.map((raw: { model: ModelSpec; backend: string | ({ id: string } & Record<string, unknown>) }, i) => {
    const where = `${path}[${i}]`;
    const backendSpec = typeof raw.backend === 'string' ? { id: raw.backend } : raw.backend;
    const definition = registry.find((d) => d.id === backendSpec.id);
    if (!definition) {
      throw new ConfigError(`${where}.backend.id: unknown backend "${backendSpec.id}" (known: ${registry.filter((d) => !d.composite).map((d) => d.id).join(', ')})`);
    }
    if (definition.composite) throw new ConfigError(`${where}.backend.id: a composite backend (${definition.id}) cannot be a stage`);
    const { id: _id, ...given } = backendSpec;
    const shape = definition.optionsSchema.shape as Record<string, z.ZodType>;
    for (const [key, value] of Object.entries(given)) {
      if (valuesOf(value, shape[key]).length > 1) {
        throw new ConfigError(`${where}.backend.${key}: a stage takes one value per option (list several composite backends to sweep stage options)`);
      }
    }
    const parsed = definition.optionsSchema.safeParse(given, { error: zodMessages });
    if (!parsed.success) throw new ConfigError(`${where}.backend.${describeZodIssue(parsed.error.issues)}`);
    return { model: normalizeModel(raw.model, baseDir), backend: { id: definition.id, options: parsed.data as Record<string, unknown> } };
  });
}

/** The model of a composite entry: its stages' models under one name. */
function compositeModel(backend: MatrixEntry['backend']): MatrixEntry['model'] {
  const stages = backend.options.stages as StageRef[];
  const joiner = backend.id === 'cascade' ? ' → ' : ' + ';
  const name = typeof backend.options.name === 'string' ? backend.options.name : stages.map((s) => s.model.name).join(joiner);
  const spec = `${backend.id}:${stages.map((s) => `${s.model.spec}@${s.backend.id}`).join(joiner.trim())}`;
  return { spec, path: spec, name };
}

/**
 * The backend as it enters an entry's id: stage model paths left out (the spec names the model, as for
 * single models, so ids do not depend on where the files lie).
 */
function hashedBackend(backend: MatrixEntry['backend']): unknown {
  const stages = backend.options.stages as StageRef[] | undefined;
  if (!Array.isArray(stages)) return backend;
  return { ...backend, options: { ...backend.options, stages: stages.map((s) => ({ model: s.model.spec, backend: s.backend })) } };
}

/**
 * A workload spec's workloads: prompts × generation lengths × depths, the depth varying fastest. Depth 0
 * is left out of the workload (and so of its id and name): an entry without depth keeps the id it had
 * before depths existed; so is concurrency 1. Names follow llama-bench: `pp64+tg64@d512`; concurrency
 * adds `@c4`, with its Poisson rate `@c4r20` and a window other than 5 ms `@c4w10`.
 */
function expandWorkload(spec: WorkloadSpec): Workload[] {
  const gens = Array.isArray(spec.genTokens) ? spec.genTokens : [spec.genTokens];
  const depths = spec.depth === undefined ? [0] : Array.isArray(spec.depth) ? spec.depth : [spec.depth];
  const concurrencies = spec.concurrency === undefined ? [1] : Array.isArray(spec.concurrency) ? spec.concurrency : [spec.concurrency];
  const arrival = spec.arrival && spec.arrival !== 'burst' ? spec.arrival : null;
  const prompts: Array<{ name: string; prompt?: string; promptTokens?: number }> =
    spec.prompt !== undefined
      ? (Array.isArray(spec.prompt) ? spec.prompt : [spec.prompt]).map((prompt) => ({ name: `prompt#${stableHash(prompt, 6)}`, prompt }))
      : (spec.promptTokens === undefined ? [DEFAULT_PROMPT_TOKENS] : Array.isArray(spec.promptTokens) ? spec.promptTokens : [spec.promptTokens]).map(
          (promptTokens) => ({ name: `pp${promptTokens}`, promptTokens }),
        );
  const out: Workload[] = [];
  for (const { name, ...prompt } of prompts) {
    for (const genTokens of gens) {
      for (const depth of depths) {
        for (const concurrency of concurrencies) {
          // Concurrency 1 is a single request: its arrival and window do not apply, and its id stays.
          const many = concurrency > 1;
          const window = many && spec.batchWindowMs !== undefined && spec.batchWindowMs !== 5 ? spec.batchWindowMs : null;
          const suffix = `${depth > 0 ? `@d${depth}` : ''}${many ? `@c${concurrency}${arrival ? `r${arrival.rate}` : ''}${window !== null ? `w${window}` : ''}` : ''}`;
          out.push({
            name: `${name}+tg${genTokens}${suffix}`,
            ...prompt,
            genTokens,
            ...(depth > 0 ? { depth } : {}),
            ...(many ? { concurrency, ...(arrival ? { arrival: { rate: arrival.rate } } : {}), ...(window !== null ? { batchWindowMs: window } : {}) } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** Cartesian product; the last axis varies fastest. */
export function cartesian<T>(axes: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const axis of axes) out = out.flatMap((prefix) => axis.map((value) => [...prefix, value]));
  return out;
}
