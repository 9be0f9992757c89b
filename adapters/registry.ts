/**
 * The backends slmbench knows. Adding a backend costs one folder under `adapters/` and one line here.
 * Each definition is light; its backend package is imported only when an entry uses it.
 *
 * `remote` (OpenAI-compatible servers) reads `remote:NAME` models: no local file is inspected, and the
 * server's memory and energy are reported as not measured (`metrics.notMeasured`). Tests that load local
 * models filter the registry to backends whose formats include theirs.
 */
import type { BackendDefinition } from './types.js';

export const backendRegistry: readonly BackendDefinition[] = [
  (await import('./llama-cpp/index.js')).default,
  (await import('./onnxruntime/index.js')).default,
  (await import('./transformers-js/index.js')).default,
  (await import('./remote/index.js')).default,
  (await import('./cascade/index.js')).default,
  (await import('./ensemble/index.js')).default,
];
