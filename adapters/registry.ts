/**
 * The backends slmbench knows. Adding a backend costs one folder under `adapters/` and one line here.
 * Each definition is light; its backend package is imported only when an entry uses it.
 */
import type { BackendDefinition } from './types.js';

export const backendRegistry: readonly BackendDefinition[] = [
  (await import('./llama-cpp/index.js')).default,
  (await import('./onnxruntime/index.js')).default,
  (await import('./transformers-js/index.js')).default,
];
