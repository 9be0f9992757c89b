/**
 * The cross-backend fixtures, driven by what each backend folder declares: the formats it reads
 * (`BackendDefinition.formats`) pick the file of a shared reference model it loads (each reference model
 * is the same weights as a GGUF file and as a transformers.js folder), and its `referenceOptions` (llama.cpp:
 * f32 KV cache, flash attention off) are the options under which its numerics match the other backends'.
 * A backend added to the registry joins every cross-backend test without a change here. Backends that read
 * no local format (`remote`) and composites are left out.
 */
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition, LoadedModel } from '../../adapters/types.js';
import { sharedPath } from './shared.js';

/** The shared reference models (../shared/models), each file by format. */
export const REFERENCE_MODELS = {
  stories260K: { gguf: 'models/stories260K/gguf/stories260K-f32.gguf', 'transformers-js': 'models/stories260K/transformersjs' },
  'llama-2-tiny-random': { gguf: 'models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf', 'transformers-js': 'models/llama-2-tiny-random/transformersjs' },
} as const;

/** A reference model's name. */
export type ReferenceModel = keyof typeof REFERENCE_MODELS;

/** The registered backends that load one of the reference models' local formats (GGUF or transformers.js folders). */
export function localBackends(): BackendDefinition[] {
  return backendRegistry.filter((d) => !d.composite && d.formats.some((f) => f.id in REFERENCE_MODELS.stories260K));
}

/** The file of `model` that `definition` reads, and its format: the first of the backend's formats the model has. */
export function referenceFile(definition: BackendDefinition, model: ReferenceModel): { path: string; format: string } {
  const files = REFERENCE_MODELS[model] as Record<string, string>;
  const format = definition.formats.find((f) => f.id in files);
  if (!format) throw new Error(`backend ${definition.id} reads none of ${Object.keys(files).join(', ')}`);
  return { path: sharedPath(files[format.id]!), format: format.id };
}

/** `model` loaded on every local backend (by id); with `parity`, with each backend's `referenceOptions`. */
export async function loadReferenceModel(
  model: ReferenceModel,
  options: { parity: boolean; requiredContext: number; concurrency?: number },
): Promise<Map<string, LoadedModel>> {
  const models = new Map<string, LoadedModel>();
  for (const definition of localBackends()) {
    const adapter = await definition.create();
    const settings = definition.optionsSchema.parse(options.parity ? (definition.referenceOptions ?? {}) : {});
    models.set(definition.id, await adapter.load(referenceFile(definition, model), settings, { requiredContext: options.requiredContext, ...(options.concurrency ? { concurrency: options.concurrency } : {}) }));
  }
  return models;
}

/** stories260K on every local backend (see {@link loadReferenceModel}). */
export function loadStories260K(options: { parity: boolean; requiredContext: number; concurrency?: number }): Promise<Map<string, LoadedModel>> {
  return loadReferenceModel('stories260K', options);
}
