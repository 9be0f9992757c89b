/**
 * The backends slmbench knows. Adding a backend costs one folder under `adapters/` and one line here.
 * Each definition is light; its backend package is imported only when an entry uses it.
 *
 * `adapters/remote` (OpenAI-compatible servers) is written and tested on its own but not registered yet:
 * `remote:` model specs need the harness changes listed in adapters/remote/README.md (no local file to
 * inspect; the server's memory and energy reported as not measured).
 */
import type { BackendDefinition } from './types.js';

export const backendRegistry: readonly BackendDefinition[] = [
  (await import('./llama-cpp/index.js')).default,
  (await import('./onnxruntime/index.js')).default,
  (await import('./transformers-js/index.js')).default,
];
