/**
 * A cascade of models (FrugalGPT-style routing): the first stage answers every request unless its own
 * confidence in its first greedy tokens falls below `threshold`; then the next stage tries, and so on; the
 * last stage always answers. Every stage except the last must be stepwise (`capabilities.stepwise`: a
 * `remote` stage can only come last). This module is light (zod only); the implementation is imported by
 * `create()`.
 *
 * Token hand-over is `batch`: a stage's first `signalTokens` tokens are held back until the decision and
 * handed over together in one event, stamped with the time of the decision; later tokens stream one per
 * event. Time to first token therefore includes the probe of every stage consulted.
 */
import { z } from 'zod';
import { compositeStagesSchema } from '../composite-common/compositeStages.js';
import type { BackendDefinition } from '../types.js';
import { cascadeThresholdSchema } from './cascadeThreshold.js';

export const cascadeOptions = z
  .object({
    /** Display name of the cascade's model. Default: the stage models' names joined by ` → `. */
    name: z.string().min(1).optional(),
    /**
     * The stages in order, `[{ model, backend }]`, at least two: stage 0 answers first. A stage whose
     * vocabulary differs from stage 0's (compared token by token; a stage without one, like `remote`,
     * counts as different) gets the prompt as text (stage 0's detokenization of it, without BOS, tokenized
     * with BOS by the stage) and answers in its own token ids. Required.
     */
    stages: compositeStagesSchema,
    /**
     * How a stage's confidence is measured over its first `signalTokens` greedy tokens (higher is always
     * more confident): `meanLogprob` (mean ln p of the chosen tokens), `minProb` (smallest p of the chosen
     * tokens) or `entropy` (minus the mean entropy, in nats, of those tokens' next-token distributions).
     * Default: `meanLogprob`.
     */
    signal: z.enum(['meanLogprob', 'minProb', 'entropy']).default('meanLogprob'),
    /**
     * Greedy tokens a stage decodes (and holds back) before its confidence decides; all the generated
     * tokens when fewer are requested. Default: 16.
     */
    signalTokens: z.number().int().min(1).default(16),
    /**
     * Escalate to the next stage when the confidence is below this (a NaN confidence, from no token,
     * escalates too). A number, `-inf` (never escalate: stage 0 answers everything) or `inf` (always
     * escalate: the last stage answers everything); `+inf`, `-Infinity`, `Infinity` and YAML's `.inf`/`-.inf`
     * are accepted and recorded as `-inf`/`inf`. A list in a config makes one entry per threshold. Required.
     */
    threshold: cascadeThresholdSchema,
  })
  .strict();

/** One parsed option set of the cascade backend (`stages` as written in the config). */
export type CascadeOptions = z.output<typeof cascadeOptions>;

const definition: BackendDefinition<typeof cascadeOptions> = {
  id: 'cascade',
  description: 'a cascade of models: each stage answers unless its confidence is below a threshold, then the next one tries',
  // A composite reads no model file of its own: its stages' backends read theirs.
  formats: [],
  packages: [],
  optionsSchema: cascadeOptions,
  composite: true,
  async describeEntry(input) {
    const { describeCompositeEntry } = await import('../composite-common/describeCompositeEntry.js');
    return describeCompositeEntry('cascade', input);
  },
  async create() {
    const { CascadeAdapter } = await import('./CascadeAdapter.js');
    return new CascadeAdapter();
  },
};
export default definition;
