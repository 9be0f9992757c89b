/**
 * One line for the model × backend pairs a run left out because the backend does not read the model's
 * format, grouped by backend: `7 pairs not run (the backend does not read the model's format): llama-cpp ×
 * stories15M/onnx (transformers-js); onnxruntime × stories15M/F32, stories15M/Q8_0 (gguf)`.
 */
import type { UnpairedPair } from '../../harness/result/RunResult.js';

export function describeUnpaired(unpaired: readonly UnpairedPair[]): string {
  const byBackend = new Map<string, Map<string, string[]>>();
  for (const pair of unpaired) {
    const formats = byBackend.get(pair.backend) ?? new Map<string, string[]>();
    byBackend.set(pair.backend, formats);
    formats.set(pair.model.format, [...(formats.get(pair.model.format) ?? []), pair.model.name]);
  }
  const groups = [...byBackend].map(([backend, formats]) =>
    [...formats].map(([format, names]) => `${backend} × ${names.join(', ')} (${format})`).join('; '),
  );
  const n = unpaired.length;
  return `${n} model × backend ${n === 1 ? 'pair' : 'pairs'} not run (the backend does not read the model's format): ${groups.join('; ')}`;
}
