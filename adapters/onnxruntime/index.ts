/**
 * ONNX Runtime through onnxruntime-node, driven directly: slmbench runs its own greedy loop with a KV
 * cache over the session (not transformers.js's `generate()`). Loads a transformers.js model folder
 * (`config.json`, `tokenizer.json`, `onnx/model*.onnx`) or a bare `.onnx` file whose folder, or parent
 * folder, holds `tokenizer.json`. This module is light (zod only); onnxruntime-node is imported by
 * `create()`.
 */
import { z } from 'zod';
import { ONNX_DTYPES } from '../formats/transformers-js/onnxFiles.js';
import { onnxFormat } from '../formats/onnx/onnxFormat.js';
import { transformersJsFormat } from '../formats/transformers-js/transformersJsFormat.js';
import type { BackendDefinition } from '../types.js';

export const onnxRuntimeOptions = z
  .object({
    /**
     * Threads ONNX Runtime uses inside one operator (`intraOpNumThreads`). Default: `auto` = logical
     * cores − 1 (at least 1), leaving one core for the event loop and the per-token JavaScript work.
     */
    intraOpThreads: z.union([z.literal('auto'), z.number().int().min(1).max(1024)]).default('auto'),
    /**
     * Threads ONNX Runtime uses to run independent operators in parallel (`interOpNumThreads`).
     * Default: 1 (sequential execution; a decoder graph is one chain of operators).
     */
    interOpThreads: z.number().int().min(1).max(1024).default(1),
    /** Graph optimisation level applied when the session is created. Default: `all`. */
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
    /**
     * Execution providers in order of preference; ONNX Runtime runs on the CPU whatever a listed
     * provider cannot take. Default: `['cpu']`. `cuda` needs onnxruntime-node's CUDA binaries.
     */
    executionProviders: z
      .array(z.enum(['cpu', 'cuda']))
      .min(1)
      .refine((list) => new Set(list).size === list.length, { message: 'execution providers must not repeat' })
      .default(['cpu']),
    /** Let ONNX Runtime plan memory from the shapes of earlier runs (`enableMemPattern`). Default: true. */
    enableMemPattern: z.boolean().default(true),
    /** Use ONNX Runtime's CPU memory arena (`enableCpuMemArena`). Default: true. */
    enableCpuMemArena: z.boolean().default(true),
    /**
     * Which ONNX file of a transformers.js folder to load: `fp32` → `onnx/model.onnx`, `fp16` →
     * `model_fp16.onnx`, `q8` → `model_quantized.onnx`, `int8` → `model_int8.onnx`, `uint8` →
     * `model_uint8.onnx`, `q4` → `model_q4.onnx`, `q4f16` → `model_q4f16.onnx`, `bnb4` →
     * `model_bnb4.onnx`. Default: `auto` = fp32 when `onnx/model.onnx` exists, otherwise the dtype named
     * in config.json's `transformers.js_config.dtype`, otherwise the folder's only `onnx/model*.onnx`.
     * A bare `.onnx` file is loaded as given and accepts only `auto`.
     */
    dtype: z.enum(['auto', ...ONNX_DTYPES]).default('auto'),
  })
  .strict();

/** One parsed option set of the onnxruntime backend (every field filled in). */
export type OnnxRuntimeOptions = z.output<typeof onnxRuntimeOptions>;

const definition: BackendDefinition<typeof onnxRuntimeOptions> = {
  id: 'onnxruntime',
  description: 'ONNX Runtime via onnxruntime-node, own KV-cache loop (transformers.js folders or .onnx files)',
  formats: [transformersJsFormat, onnxFormat],
  packages: ['onnxruntime-node'],
  optionsSchema: onnxRuntimeOptions,
  // Intra-op threads from 1 to every core, and the graph optimisation level.
  tuneSpace: (cores) => ({ grid: { intraOpThreads: Array.from({ length: Math.max(1, cores) }, (_, i) => i + 1), graphOptimizationLevel: ['all', 'extended'] } }),
  async create() {
    const { OnnxRuntimeAdapter } = await import('./OnnxRuntimeAdapter.js');
    return new OnnxRuntimeAdapter();
  },
};
export default definition;
