/**
 * Prepares the models of a sweep, each once: resolves its spec to local files (forging `forge:` models into
 * the cache, fetching `hf:` ones; a spec of a format with a scheme, `remote:NAME`, stays as it is), detects
 * its format with the registry's detectors and inspects it with its format's inspector. The result is the
 * table the matrix pairs models and backends from; after it, nothing detects or inspects again.
 */
import { existsSync } from 'node:fs';
import type { BackendDefinition } from '../../adapters/types.js';
import { ModelNotFoundError } from '../errors.js';
import { detectModelFormat } from './detectModelFormat.js';
import { modelFormats } from './modelFormats.js';
import type { ModelRef, PreparedModel } from './PreparedModel.js';
import { resolveModelSpec, type ResolveOptions } from './resolveModelSpec.js';

/** Prepared models by the `path` of their {@link ModelRef} (absolute, or the spec with a scheme). */
export type PreparedModels = ReadonlyMap<string, PreparedModel>;

/** Options of {@link prepareModels}. */
export interface PrepareModelsOptions extends ResolveOptions {
  /** Backends whose formats count. Default: the built-in registry. */
  registry?: readonly BackendDefinition[];
}

/**
 * Prepares every distinct model of `refs` (by path), in order. Throws ModelNotFoundError naming the spec
 * for a local path that does not exist, the resolvers' errors for `forge:`/`hf:` specs, and the formats'
 * errors (ModelFormatError naming the file) for a file no format reads or one that is damaged.
 */
export async function prepareModels(refs: readonly ModelRef[], options: PrepareModelsOptions = {}): Promise<PreparedModels> {
  const formats = modelFormats(options.registry);
  const prepared = new Map<string, PreparedModel>();
  for (const ref of refs) {
    if (prepared.has(ref.path)) continue;
    const path = await resolveModelSpec(ref.spec, ref.path, options);
    const scheme = formats.find((f) => f.scheme !== undefined && path.startsWith(`${f.scheme}:`));
    if (!scheme && !existsSync(path)) throw new ModelNotFoundError(ref.spec);
    const source = await detectModelFormat(path, options.registry);
    const format = formats.find((f) => f.id === source.format)!;
    const base = { spec: ref.spec, path: source.path, name: ref.name, format: source.format };
    if (!format.inspectFile) {
      prepared.set(ref.path, { ...base, sha256: null, sizeBytes: null, params: null, quant: null, arch: null, contextLength: null, vocabSize: null });
      continue;
    }
    const inspected = await format.inspectFile(source.path);
    prepared.set(ref.path, {
      ...base,
      sha256: inspected.sha256,
      sizeBytes: inspected.sizeBytes,
      params: inspected.params ?? null,
      quant: inspected.quant ?? null,
      arch: inspected.arch ?? null,
      contextLength: inspected.contextLength ?? null,
      vocabSize: inspected.vocabSize ?? null,
    });
  }
  return prepared;
}

/**
 * The model of a composite entry: its stages' records under the composite's spec and name; size and
 * parameters are the stages' sums (null when a stage's are unknown), the context the smallest stage's,
 * the vocabulary stage 0's.
 */
export function compositeModel(ref: ModelRef, stages: readonly PreparedModel[]): PreparedModel {
  const sum = (values: (number | null)[]) => (values.every((v): v is number => v !== null) ? values.reduce((a, b) => a + b, 0) : null);
  const contexts = stages.map((s) => s.contextLength).filter((c): c is number => c !== null && c > 0);
  return {
    spec: ref.spec,
    path: ref.path,
    name: ref.name,
    format: 'composite',
    sha256: null,
    sizeBytes: sum(stages.map((s) => s.sizeBytes)),
    params: sum(stages.map((s) => s.params)),
    quant: null,
    arch: null,
    contextLength: contexts.length ? Math.min(...contexts) : null,
    vocabSize: stages[0]?.vocabSize ?? null,
    stages: [...stages],
  };
}
