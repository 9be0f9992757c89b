/**
 * The `stages` option of composite backends (`cascade`, `ensemble`): as written in a config, and as the
 * matrix hands it to the adapter once resolved ({@link CompositeStageSpec}: model path made absolute or
 * left as a scheme spec until the run resolves it, the stage backend's options parsed with its defaults).
 */
import { z } from 'zod';
import { modelSpecSchema } from '../../harness/config/configSchema.js';
import { BackendOptionError } from '../../harness/errors.js';
import type { CompositeStageSpec } from './CompositeStageSpec.js';

/** One stage as written in a config. */
export const compositeStageSchema = z
  .object({
    /**
     * The stage's model: a path (GGUF file, ONNX file, transformers.js folder), `forge:PRESET[/VARIANT]`,
     * `hf:…`, `remote:NAME`, or `{ path, name }`. Required.
     */
    model: modelSpecSchema,
    /**
     * The stage's backend: an id (`llama-cpp`) or `{ id, ...options }` with one value per option (list
     * several composite backends to sweep stage options). Composite backends cannot be stages. Required.
     */
    backend: z.union([z.string().min(1), z.object({ id: z.string().min(1) }).catchall(z.unknown())]),
  })
  .strict();

/** `stages` of a composite backend: at least two. */
export const compositeStagesSchema = z.array(compositeStageSchema).min(2, 'a composite backend needs at least two stages');

/** Reads the resolved stages the matrix put in a composite backend's options. */
export function readCompositeStages(backend: string, options: Record<string, unknown>): CompositeStageSpec[] {
  const stages = options.stages;
  if (!Array.isArray(stages) || stages.length < 2) {
    throw new BackendOptionError(backend, 'stages', 'expected at least two resolved stages');
  }
  return stages.map((stage: unknown, index) => {
    const s = stage as Partial<CompositeStageSpec>;
    if (
      typeof s?.model?.path !== 'string' ||
      typeof s.model.name !== 'string' ||
      typeof s.model.format !== 'string' ||
      typeof s.backend?.id !== 'string' ||
      typeof s.backend.options !== 'object' ||
      s.backend.options === null
    ) {
      throw new BackendOptionError(backend, `stages[${index}]`, 'not resolved by the matrix (expected { model: { spec, path, name, format }, backend: { id, options } })');
    }
    return s as CompositeStageSpec;
  });
}
