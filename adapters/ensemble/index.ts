/**
 * An ensemble of models sharing one vocabulary: at every step the stages' next-token distributions are
 * combined and the combined argmax is taken (ties to the lowest id), then pushed to every stage. Every
 * stage must be stepwise (`capabilities.stepwise`), and all vocabularies identical, token by token and in
 * size (else `VOCABULARY_MISMATCH`). Tokens stream one per event. This module is light (zod only); the
 * implementation is imported by `create()`.
 */
import { z } from 'zod';
import { compositeStagesSchema } from '../composite-common/compositeStages.js';
import type { BackendDefinition } from '../types.js';

export const ensembleOptions = z
  .object({
    /** Display name of the ensemble's model. Default: the stage models' names joined by ` + `. */
    name: z.string().min(1).optional(),
    /** The stages, `[{ model, backend }]`, at least two, all with the same vocabulary. Required. */
    stages: compositeStagesSchema,
    /**
     * How distributions combine: `mean-prob` (ln Σ wᵢ pᵢ, a mixture, computed with log-sum-exp) or
     * `mean-logprob` (Σ wᵢ ln pᵢ renormalised over the vocabulary: a product of experts).
     * Default: `mean-prob`.
     */
    combine: z.enum(['mean-prob', 'mean-logprob']).default('mean-prob'),
    /**
     * One positive weight per stage, normalised to sum to 1 (a count other than the number of stages is
     * an error). A list of lists in a config makes one entry per weight list. Default: equal weights.
     */
    weights: z.array(z.number().positive()).min(1).optional(),
  })
  .strict();

/** One parsed option set of the ensemble backend (`stages` as written in the config). */
export type EnsembleOptions = z.output<typeof ensembleOptions>;

const definition: BackendDefinition<typeof ensembleOptions> = {
  id: 'ensemble',
  description: 'an ensemble of models with one vocabulary: their next-token distributions combined at every step',
  // A composite reads no model file of its own: its stages' backends read theirs.
  formats: [],
  packages: [],
  optionsSchema: ensembleOptions,
  composite: true,
  async describeEntry(input) {
    const { describeCompositeEntry } = await import('../composite-common/describeCompositeEntry.js');
    return describeCompositeEntry('ensemble', input);
  },
  async create() {
    const { EnsembleAdapter } = await import('./EnsembleAdapter.js');
    return new EnsembleAdapter();
  },
};
export default definition;
