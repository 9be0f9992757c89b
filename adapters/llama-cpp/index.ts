/**
 * llama.cpp through node-llama-cpp: local GGUF files. This module is light (zod only); the backend's
 * package is imported by `create()`.
 */
import { llamaCppTraps } from './llamaCppTraps.js';
import { z } from 'zod';
import { ggufFormat } from '../formats/gguf/ggufFormat.js';
import type { BackendDefinition } from '../types.js';

export const llamaCppOptions = z
  .object({
    /**
     * Threads for evaluation. Default: `auto` = logical cores − 1 (at least 1), leaving one core for the
     * event loop: with every core busy, ggml's spinning workers stall and decode drops by half.
     */
    threads: z.union([z.literal('auto'), z.number().int().min(1).max(1024)]).default('auto'),
    /**
     * Context size in tokens. Default: `auto` = prompt tokens + generated tokens (the model's trained
     * context when the entry runs accuracy tasks), rounded up to a multiple of 256 (llama.cpp pads to
     * that anyway).
     */
    contextSize: z.union([z.literal('auto'), z.number().int().min(16)]).default('auto'),
    /** Logical batch size for prompt processing. Default: 512 (llama-bench's default). */
    batchSize: z.number().int().min(1).default(512),
    /**
     * Compute device: `false` (CPU), `auto` (a GPU build when one is present, else CPU), or a GPU type.
     * Default: `auto`. Prebuilt binaries only: slmbench never builds llama.cpp from source.
     */
    gpu: z.union([z.literal(false), z.enum(['auto', 'cuda', 'vulkan', 'metal'])]).default('auto'),
    /** Layers offloaded to the GPU: a count, `max` or `auto`. Ignored on CPU. Default: `auto`. */
    gpuLayers: z.union([z.enum(['auto', 'max']), z.number().int().min(0)]).default('auto'),
    /**
     * Flash attention. Default: `auto` (llama.cpp decides; on CPU it resolves to on). The resolved
     * value is recorded with every entry.
     */
    flashAttention: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    /**
     * Element type of the KV cache (keys and values). Default: `f16`, llama.cpp's own default. With `f32`
     * and `flashAttention: false`, log-probabilities match the ONNX backends to about 1e-5 nats on
     * stories260K; the defaults (f16 cache, flash attention on) move them by up to 1e-2 nats.
     * Quantized caches trade accuracy for memory.
     */
    kvCacheType: z.enum(['f32', 'f16', 'q8_0', 'q4_0']).default('f16'),
    /** Memory-map the model file. Default: true. */
    mmap: z.boolean().default(true),
  })
  .strict();

const definition: BackendDefinition<typeof llamaCppOptions> = {
  id: 'llama-cpp',
  description: 'llama.cpp via node-llama-cpp (GGUF files)',
  formats: [ggufFormat],
  packages: ['node-llama-cpp'],
  optionsSchema: llamaCppOptions,
  // Exact numerics: an f32 KV cache and no flash attention (the defaults, f16 and auto → on, move
  // log-probabilities by up to 1e-2 nats on stories260K).
  referenceOptions: { kvCacheType: 'f32', flashAttention: false },
  traps: llamaCppTraps,
  // Threads from 1 to every core, flash attention off and on: what changes decode speed on a CPU.
  tuneSpace: (cores) => ({ grid: { threads: Array.from({ length: Math.max(1, cores) }, (_, i) => i + 1), flashAttention: [false, true] } }),
  async create() {
    const { LlamaCppAdapter } = await import('./LlamaCppAdapter.js');
    return new LlamaCppAdapter();
  },
};
export default definition;
