/**
 * transformers.js (@huggingface/transformers in Node, on onnxruntime-node): local transformers.js model
 * folders (`config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/model*.onnx`). This module is
 * light (zod only); the backend's package is imported by `create()` and the adapter's `load()`.
 */
import { transformersJsTraps } from './transformersJsTraps.js';
import { z } from 'zod';
import { BackendUnavailableError } from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';
import { ONNX_DTYPES } from '../formats/transformers-js/onnxFiles.js';
import { transformersJsFormat } from '../formats/transformers-js/transformersJsFormat.js';
import type { BackendDefinition } from '../types.js';

export const transformersJsOptions = z
  .object({
    /**
     * Which ONNX file of the folder to load, by transformers.js's naming: `fp32` → `onnx/model.onnx`,
     * `fp16` → `model_fp16.onnx`, `q8` → `model_quantized.onnx`, `int8` → `model_int8.onnx`,
     * `uint8` → `model_uint8.onnx`, `q4` → `model_q4.onnx`, `q4f16` → `model_q4f16.onnx`,
     * `bnb4` → `model_bnb4.onnx`. Default: `auto` = `fp32` when `onnx/model.onnx` exists, else the dtype
     * named by `config.json`'s `transformers.js_config.dtype`, else the folder's only `model*.onnx`.
     * The resolved dtype and file are recorded with every entry.
     */
    dtype: z.enum(['auto', ...ONNX_DTYPES]).default('auto'),
    /**
     * Execution device. Default: `cpu`. `cuda` needs onnxruntime-node's CUDA provider libraries and a
     * CUDA 12 GPU; `webgpu` needs a WebGPU adapter (Dawn). transformers.js's own `auto` is not offered:
     * in Node it tries CUDA first and fails where CUDA is absent.
     */
    device: z.enum(['cpu', 'cuda', 'webgpu']).default('cpu'),
    /**
     * onnxruntime intra-op threads (the threads one operator uses). Default: `auto` = logical cores − 1
     * (at least 1), leaving a core for the event loop and per-token JavaScript work.
     */
    intraOpThreads: z.union([z.literal('auto'), z.number().int().min(1).max(1024)]).default('auto'),
    /** onnxruntime inter-op threads (operators run in parallel). Default: 1. */
    interOpThreads: z.number().int().min(1).max(1024).default(1),
  })
  .strict();

/** One parsed option set of the transformers-js backend. */
export type TransformersJsOptions = z.output<typeof transformersJsOptions>;

const definition: BackendDefinition<typeof transformersJsOptions> = {
  id: 'transformers-js',
  description: 'transformers.js via @huggingface/transformers on onnxruntime-node (transformers.js model folders)',
  formats: [transformersJsFormat],
  packages: ['@huggingface/transformers'],
  optionsSchema: transformersJsOptions,
  traps: transformersJsTraps,
  // Intra-op threads from 1 to every core (dtype changes the model, so it is not a setting to tune).
  tuneSpace: (cores) => ({ grid: { intraOpThreads: Array.from({ length: Math.max(1, cores) }, (_, i) => i + 1) } }),
  async create() {
    try {
      const { TransformersJsAdapter } = await import('./TransformersJsAdapter.js');
      return new TransformersJsAdapter();
    } catch (error) {
      throw new BackendUnavailableError('transformers-js', `cannot load the adapter: ${firstLine(error)}`, { cause: error });
    }
  },
};
export default definition;
