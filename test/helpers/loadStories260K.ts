/**
 * stories260K loaded on every registered backend: the GGUF for llama.cpp, the same weights as a
 * transformers.js folder for the ONNX backends. With `parity`, llama.cpp runs with an f32 KV cache and
 * flash attention off, whose numerics match the ONNX backends (its defaults compute attention in f16).
 * Backends that read no local format (`remote`) are left out.
 */
import { backendRegistry } from '../../adapters/registry.js';
import type { LoadedModel } from '../../adapters/types.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { sharedPath } from './shared.js';

export async function loadStories260K(options: { parity: boolean; requiredContext: number }): Promise<Map<string, LoadedModel>> {
  const sources: Record<string, string> = {
    'llama-cpp': sharedPath('models/stories260K/gguf/stories260K-f32.gguf'),
    onnxruntime: sharedPath('models/stories260K/transformersjs'),
    'transformers-js': sharedPath('models/stories260K/transformersjs'),
  };
  const models = new Map<string, LoadedModel>();
  for (const definition of localBackends()) {
    const adapter = await definition.create();
    const parity = options.parity && definition.id === 'llama-cpp' ? { kvCacheType: 'f32', flashAttention: false } : {};
    const source = await detectModelFormat(sources[definition.id]!);
    models.set(definition.id, await adapter.load(source, definition.optionsSchema.parse(parity), { requiredContext: options.requiredContext }));
  }
  return models;
}

/** The registered backends that load local model files (GGUF or transformers.js folders). */
export function localBackends(): typeof backendRegistry {
  return backendRegistry.filter((d) => d.formats.includes('gguf') || d.formats.includes('transformers-js'));
}
