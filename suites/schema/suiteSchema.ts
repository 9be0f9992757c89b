/**
 * The schema of a suite file: a named group of tasks and the measurement policy they run under.
 */
import { z } from 'zod';

/** How a suite's tasks are measured; any field may be overridden per task and from the command line. */
export const policySchema = z
  .object({
    /** Rows evaluated per task (the first N). Default: all rows. */
    limit: z.number().int().min(1).optional(),
    /** Seed of few-shot sampling and bootstrap resampling. Default: 1234. */
    seed: z.number().int().min(0).optional(),
    /** Few-shot examples per prompt. Default: the task's own `fewshot.k`, else 0. */
    fewshot: z.number().int().min(0).optional(),
    /** Bootstrap resamples for standard errors. Default: 1000. */
    bootstrapIterations: z.number().int().min(2).optional(),
  })
  .strict();

/** A task in a suite: its id (or a file path ending in .yaml/.yml/.json), with optional overrides. */
export const suiteTaskSchema = z.union([
  z.string().min(1),
  z
    .object({
      /** Task id or task file path (relative to the suite file). */
      task: z.string().min(1),
      ...policySchema.shape,
    })
    .strict(),
]);

/** A suite file. */
export const suiteSchema = z
  .object({
    /** Suite id: lower-case letters, digits, `_` and `-`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
    /** Version; bump it whenever its tasks or policy change. */
    version: z.number().int().min(1),
    /** One line on what the suite measures. */
    description: z.string().min(1),
    /** The measurement policy of every task. Default: every field's own default. */
    policy: policySchema.default({}),
    /** The tasks. */
    tasks: z.array(suiteTaskSchema).min(1),
  })
  .strict();

export type SuiteDefinition = z.output<typeof suiteSchema>;
export type MeasurementPolicy = z.output<typeof policySchema>;
