/**
 * The schema of a task file (YAML or JSON under `suites/tasks/`, or anywhere a user keeps one). Prompts
 * and targets are templates (see `suites/template/parseTemplate.ts`): `{{ field }}` reads a field of the
 * dataset row, filters transform it; nothing else runs.
 */
import { z } from 'zod';
import { datasetSpecSchema } from './datasetSpecSchema.js';

const template = z.string();
/** A template whose value is a list, or a list of templates. */
const templateList = z.union([z.string(), z.array(z.string()).min(1)]);

const fewshotSchema = z
  .object({
    /** Number of solved examples put before each prompt. Default: 0 (the suite or command line may set it). */
    k: z.number().int().min(0).optional(),
    /**
     * Where examples come from. Default: the task's own dataset, never the row being evaluated.
     * Same form as `dataset`.
     */
    source: datasetSpecSchema.optional(),
    /** Text between examples, and between the last example and the prompt. Default: a blank line (`"\n\n"`). */
    delimiter: z.string().default('\n\n'),
  })
  .strict();

const commonShape = {
  /** Task id: lower-case letters, digits, `_` and `-`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
  /** Version of the task's prompts and scoring; bump it whenever a change could move a score. */
  version: z.number().int().min(1),
  /** One line on what the task measures. */
  description: z.string().min(1),
  /** Where the task comes from and how it relates to lm-evaluation-harness (free text). Default: none. */
  notes: z.string().optional(),
  /** The rows. */
  dataset: datasetSpecSchema,
  /** Text put before everything else (few-shot examples and prompt); a template. Default: none. */
  preamble: template.optional(),
  /** Few-shot examples. Default: none. */
  fewshot: fewshotSchema.optional(),
  /**
   * Prepend the model's BOS token to every context, where the model has one. Default: true.
   * (lm-evaluation-harness's Hugging Face backend adds none for Llama tokenizers unless asked; slmbench
   * adds it on every backend so the first token is always conditioned the same way.)
   */
  addBos: z.boolean().default(true),
  /**
   * Most tokens one request may put before the model (context + continuation). Default: the model's
   * context length (and the backend's context size when smaller). Longer contexts lose tokens from the left.
   */
  maxLength: z.number().int().min(2).optional(),
};

const goldSchema = z.union([
  template,
  z
    .object({
      /** Template giving the gold value. */
      value: template,
      /** Gold value → choice index. Default: none. */
      map: z.record(z.string(), z.number().int().min(0)).optional(),
      /** Template whose value is a list (e.g. choice labels); the gold index is the value's position in it. */
      indexIn: template.optional(),
    })
    .strict()
    .refine((g) => !(g.map && g.indexIn), { message: 'give map or indexIn, not both' }),
]);

/** Multiple choice: each choice scored by log-likelihood; `acc` and `acc_norm`. */
export const multipleChoiceTaskSchema = z
  .object({
    ...commonShape,
    type: z.literal('multiple_choice'),
    /** Context shared by every choice (lm-evaluation-harness `doc_to_text`). */
    prompt: template.optional(),
    /** The choices, scored as continuations after `targetDelimiter` (`doc_to_choice`). */
    choices: templateList.optional(),
    /**
     * Partial evaluation (WinoGrande): one context per choice, and one shared `continuation` scored after
     * each. Use instead of `prompt` and `choices`.
     */
    contexts: templateList.optional(),
    /** The continuation scored after each of `contexts`. */
    continuation: template.optional(),
    /**
     * The right choice: a template giving its index (an integer, or digits), or `{value, map}` /
     * `{value, indexIn}` to turn a label into an index.
     */
    gold: goldSchema,
    /** Text between context and continuation. Default: a space. */
    targetDelimiter: z.string().default(' '),
    /** Metrics to report. Default: `acc` and `acc_norm`. */
    metrics: z.array(z.enum(['acc', 'acc_norm'])).min(1).default(['acc', 'acc_norm']),
  })
  .strict()
  .superRefine((task, ctx) => {
    const joint = task.prompt !== undefined || task.choices !== undefined;
    const partial = task.contexts !== undefined || task.continuation !== undefined;
    if (joint && partial) ctx.addIssue({ code: 'custom', path: ['contexts'], message: 'give prompt + choices, or contexts + continuation, not both' });
    else if (partial) {
      if (task.contexts === undefined) ctx.addIssue({ code: 'custom', path: ['contexts'], message: 'required with continuation' });
      if (task.continuation === undefined) ctx.addIssue({ code: 'custom', path: ['continuation'], message: 'required with contexts' });
    } else {
      if (task.prompt === undefined) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'required (or give contexts + continuation)' });
      if (task.choices === undefined) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'required (or give contexts + continuation)' });
    }
  });

const normalizeSchema = z
  .object({
    /** Lower-case prediction and reference. Default: false. */
    ignoreCase: z.boolean().optional(),
    /** Remove ASCII punctuation. Default: false. */
    ignorePunctuation: z.boolean().optional(),
    /** Regular expressions (JavaScript) whose matches are removed first. Default: none. */
    regexesToIgnore: z.array(z.string()).optional(),
    /** Trim white space last. Default: true. */
    trim: z.boolean().optional(),
  })
  .strict();

const extractSchema = z
  .object({
    /** Regular expression (JavaScript syntax) whose first non-empty group (or whole match) is the answer. */
    regex: z.string().min(1),
    /** Which match: `first`, `last` or an index (negative from the end). Default: `first`. */
    select: z.union([z.enum(['first', 'last']), z.number().int()]).optional(),
    /** Answer when nothing matches. Default: `[invalid]`. */
    fallback: z.string().optional(),
    /** Extra regex flags. Default: none. */
    flags: z.string().regex(/^[imsu]*$/).optional(),
  })
  .strict();

/** One metric of a generation task. */
export const generationMetricSchema = z
  .object({
    /** Key in the result. Default: the metric's name (`exact_match`), which must then be unique. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_,.-]*$/).optional(),
    /** exact_match, contains (reference inside the prediction), f1 (SQuAD token F1), rouge_l (ROUGE-L F). */
    metric: z.enum(['exact_match', 'contains', 'f1', 'rouge_l']),
    /** Extract the answer from the generation with a regex first. Default: the whole generation. */
    extract: extractSchema.optional(),
    /** Normalisation for exact_match and contains. Default: trim only. */
    normalize: normalizeSchema.optional(),
  })
  .strict();

/** Generation: greedy until a stop string, EOS or the token limit. */
export const generateTaskSchema = z
  .object({
    ...commonShape,
    type: z.literal('generate'),
    /** The prompt. */
    prompt: template,
    /** The reference answer (a template; a list value gives several accepted references). */
    target: template,
    /** Text between prompt and target in few-shot examples. Default: a space. */
    targetDelimiter: z.string().default(' '),
    /** Stop strings: generation ends at the first, which is cut off. Default: `["\n\n"]`. */
    until: z.array(z.string().min(1)).default(['\n\n']),
    /** Most tokens generated. Default: 256 (lm-evaluation-harness's `max_gen_toks`). */
    maxNewTokens: z.number().int().min(1).default(256),
    /** Metrics. */
    metrics: z.array(generationMetricSchema).min(1),
  })
  .strict();

/** Log-likelihood of one target after a context: `acc` (the target is the greedy continuation) and `perplexity`. */
export const loglikelihoodTaskSchema = z
  .object({
    ...commonShape,
    type: z.literal('loglikelihood'),
    /** The context. */
    prompt: template,
    /** The continuation scored after it, exactly as rendered (no delimiter is added, as in lm-evaluation-harness). */
    target: template,
    /** Metrics. Default: `acc` and `perplexity` (exp of the mean negative log-likelihood of the targets). */
    metrics: z.array(z.enum(['acc', 'perplexity'])).min(1).default(['acc', 'perplexity']),
  })
  .strict();

/** Perplexity of whole documents: rolling windows over each. */
export const perplexityTaskSchema = z
  .object({
    ...commonShape,
    type: z.literal('perplexity'),
    /** The document text. Default: `{{text}}` (what the text format produces). */
    text: template.default('{{text}}'),
    /**
     * New tokens predicted per window. Default: the whole window (disjoint windows, as
     * lm-evaluation-harness); smaller gives each prediction more context and costs more windows.
     */
    stride: z.number().int().min(1).optional(),
  })
  .strict();

/** A task file. */
export const taskSchema = z.discriminatedUnion('type', [multipleChoiceTaskSchema, generateTaskSchema, loglikelihoodTaskSchema, perplexityTaskSchema]);

export type TaskDefinition = z.output<typeof taskSchema>;
export type MultipleChoiceTask = z.output<typeof multipleChoiceTaskSchema>;
export type GenerateTask = z.output<typeof generateTaskSchema>;
export type LoglikelihoodTask = z.output<typeof loglikelihoodTaskSchema>;
export type PerplexityTask = z.output<typeof perplexityTaskSchema>;
export type GenerationMetric = z.output<typeof generationMetricSchema>;
export type TaskType = TaskDefinition['type'];
