/**
 * The config file's schema (zod). Backend option schemas come from the adapter registry, so a new backend's
 * options are validated, documented and emitted to the JSON Schema without touching this file.
 */
import { z } from 'zod';
import type { BackendDefinition } from '../../adapters/types.js';

/** A model: a local path (file or folder) or a `forge:`, `hf:` or `remote:` spec, as a string or `{ path, name }`. */
export const modelSpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      /** Local path of a GGUF file, an ONNX file or a transformers.js model folder. Required. */
      path: z.string().min(1),
      /** Display name. Default: the file or folder name. */
      name: z.string().min(1).optional(),
    })
    .strict(),
]);

const positiveInt = z.number().int().min(1);
const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

/**
 * A workload: a prompt of exactly `promptTokens` tokens (real English text cut to length with the model's
 * own tokenizer, BOS included) or an explicit `prompt`, then exactly `genTokens` generated tokens.
 * Lists expand into the matrix.
 */
export const workloadSpecSchema = z
  .object({
    /** Prompt length in tokens, BOS included. Default: 128 when `prompt` is not given. */
    promptTokens: oneOrMany(positiveInt).optional(),
    /** Explicit prompt text (tokenized with BOS prepended); `""` is BOS alone. Excludes `promptTokens`. */
    prompt: oneOrMany(z.string()).optional(),
    /** Tokens to generate; end-of-sequence does not stop generation. Default: 128. */
    genTokens: oneOrMany(positiveInt).default(128),
    /**
     * Tokens of real text already in the KV cache before the prompt, as a chat turn arrives after its
     * history (llama-bench's `-d`, `tg128 @ d512`): evaluated once per process, not timed, and kept; each
     * repetition then prefills only the prompt after it and generates. A list sweeps it. Needs a backend
     * that keeps a KV prefix (llama-cpp, onnxruntime, transformers-js; others skip such entries, saying
     * why). Default: 0 (an empty cache).
     */
    depth: oneOrMany(z.number().int().min(0)).optional(),
    /**
     * Requests in flight together on one loaded model, each with its own prompt of the same length (the
     * text's next stretch; an explicit `prompt` is the same for all) and exactly `genTokens` greedy tokens:
     * a repetition is one round of this many requests. A list sweeps it. Backends batch them as they can:
     * llama.cpp decodes several sequences of one context in one batch, and a request that arrives while
     * others decode joins them (continuous); our ONNX loop and transformers.js decode a batch dimension
     * formed when the batching window closes, later requests waiting for the next batch (static); other
     * backends run them one after another, and the record says so. Default: 1.
     */
    concurrency: oneOrMany(positiveInt.max(256)).optional(),
    /**
     * How a round's requests arrive: `burst` (all at once) or `{ rate }` (a Poisson process of `rate`
     * requests per second, seeded by the round). Default: burst.
     */
    arrival: z.union([z.literal('burst'), z.object({ /** Requests per second. Required. */ rate: z.number().positive() }).strict()]).optional(),
    /**
     * Micro-batching window (ms): a static batch starts this long after its first request arrived, with
     * every request that arrived by then (at once when the whole round is in). Default: 5.
     */
    batchWindowMs: z.number().min(0).max(10_000).optional(),
  })
  .strict()
  .refine((w) => !(w.promptTokens !== undefined && w.prompt !== undefined), {
    message: 'give either promptTokens or prompt, not both',
  })
  .refine((w) => !(hasMany(w.depth, (d) => d > 0) && hasMany(w.concurrency, (c) => c > 1)), {
    message: 'depth and concurrency above 1 together are not supported: each request would need its own kept history',
  });

/** Whether a single value or any value of a list satisfies `test`. */
function hasMany(value: number | number[] | undefined, test: (n: number) => boolean): boolean {
  return value !== undefined && (Array.isArray(value) ? value : [value]).some(test);
}

/** Measurement policy of every entry. */
export const measureSchema = z
  .object({
    /** Generations run and discarded before measuring. Default: 1. */
    warmupRuns: z.number().int().min(0).default(1),
    /**
     * Keep warming up (generations run and discarded) for at least this many seconds, besides
     * `warmupRuns`. CPUs and JITs reach full speed only after about a second of steady work: on a 2-core
     * VM the first second of decoding ran 15–40% slower than the rest, in every process and in a bare
     * node-llama-cpp loop alike, so the medians of separate processes differed by the share of their
     * repetitions that fell in it. 0: no time minimum. Default: 1.
     */
    warmupSeconds: z.number().min(0).default(1),
    /** Measured repetitions at least. Default: 5. */
    minRepetitions: positiveInt.default(5),
    /** Measure for at least this many seconds (after warmup), over all of the entry's processes. Default: 1. */
    minSeconds: z.number().min(0).default(1),
    /** Never measure more than this many repetitions. Default: 1000. */
    maxRepetitions: positiveInt.default(1000),
    /**
     * Stop measuring after this many seconds, over all of the entry's processes, even when `targetCiWidth`
     * is not reached (never before the minimums). Default: 30.
     */
    maxSeconds: z.number().positive().default(30),
    /**
     * Repeat until the 95% bootstrap interval of the median decode rate is at most this wide, relative to
     * the median (0.02 = ±1%); null: stop as soon as both minimums are reached. Judged within each process;
     * whether the entry's final interval (over processes) met it is recorded as `measurement.targetMet`.
     * Default: 0.02.
     */
    targetCiWidth: z.number().positive().max(1).nullable().default(0.02),
    /**
     * Warm up until the repetition time settles (the last 3 warmup times within 5% of each other), with at
     * least `warmupRuns` and at most 10 warmups; false: exactly `warmupRuns`. Default: false.
     */
    warmupUntilStable: z.boolean().default(false),
    /**
     * Worker processes each entry is measured in, one after another, each loading the model and warming up
     * on its own; `minSeconds` and `maxSeconds` are the entry's and are shared out among them, while
     * `minRepetitions`, `maxRepetitions` and `targetCiWidth` apply to each process. Repetitions within one
     * process share its memory layout, thread placement and clock state, and the medians of separate
     * processes differ by more than one process's interval says (3–9% on the 2-core VM, even after
     * warmup): with 2 or more, the median's interval is a two-stage bootstrap over processes and
     * repetitions, widened for few processes, so it covers that spread and repeated runs agree. 1 measures
     * faster and reports intervals that hold only within that process. Default: 3.
     */
    processes: z.number().int().min(1).max(100).default(3),
    /**
     * Interval (ms) of the runner's resident-memory sampler that cross-checks the worker's VmHWM. Each
     * wake-up takes a little CPU from a backend that fills the cores; `bench/overhead` found no difference
     * between 10 and 100 ms within its ±4% noise on 2 cores. Default: 10.
     */
    memorySampleMs: z.number().int().min(1).max(10_000).default(10),
    /** Per-entry time limit in seconds, load included, for each process; the worker is killed past it. Default: 600. */
    timeoutSeconds: z.number().positive().default(600),
    /**
     * Requests per process that measure the cached first token (`metrics.cachedTtftMs`) after the measured
     * loop, on backends that keep a KV prefix: the prompt again with all but its last token (its depth
     * included) already in the cache, as a chat client resending a conversation or a server's prompt
     * cache. 0: not measured. Default: 5.
     */
    cachedTtftRuns: z.number().int().min(0).max(1000).default(5),
  })
  .strict()
  .refine((m) => m.maxRepetitions >= m.minRepetitions, { message: 'maxRepetitions must be ≥ minRepetitions' });

/**
 * Fidelity: over a fixed text in windows, teacher-forced, every entry's next-token distributions against a
 * reference entry's, stored once as top-k plus the remainder's mass (see harness/fidelity).
 */
export const fidelitySchema = z
  .object({
    /** Plain-text file the windows are cut from. Default: the project's held-out stories (`datasets/heldout_stories.txt`). */
    text: z.string().min(1).optional(),
    /**
     * The reference: a model spec and the backend that runs it (an id, or `{ id, …options }`). Default: per
     * family of entries (same architecture, vocabulary, context and parameter count within 5%), the variant
     * with the most bytes per parameter, on the first backend that runs it in the sweep.
     */
    reference: z
      .object({
        /** Model spec, as in `sweep.models`. Required. */
        model: modelSpecSchema,
        /** Backend id or `{ id, …options }`. Required. */
        backend: z.union([z.string().min(1), z.object({ id: z.string().min(1) }).passthrough()]),
      })
      .strict()
      .optional(),
    /** Tokens per window, the BOS included where the model has one. Default: 128. */
    windowTokens: z.number().int().min(2).max(65_536).default(128),
    /** Most windows (consecutive, disjoint, from the start of the text). Default: 8. */
    windows: z.number().int().min(1).max(10_000).default(8),
    /** Reference tokens stored per position, besides the remainder's mass. Default: 32. */
    topK: z.number().int().min(1).max(1024).default(32),
    /** Where reference files are kept and reused. Default: `<cache>/fidelity` (`SLMBENCH_CACHE`, …). */
    cacheDir: z.string().min(1).optional(),
  })
  .strict();

/**
 * A latency budget (harness/slo): a preset (`voice`, `chat`, `mlperf-interactive`, `reading`, see
 * `sloPresets.ts` for each one's source) or bounds in ms, optionally over a preset's.
 */
export const sloSchema = z.union([
  z.enum(['voice', 'chat', 'mlperf-interactive', 'reading']),
  z
    .object({
      /** Preset whose bounds the others override. Default: none. */
      preset: z.enum(['voice', 'chat', 'mlperf-interactive', 'reading']).optional(),
      /** Time to first token (ms). Default: the preset's, else not checked. */
      ttftMs: z.number().positive().optional(),
      /** Time per output token (ms). Default: the preset's, else not checked. */
      tpotMs: z.number().positive().optional(),
      /** 99th percentile of a request's inter-token gaps (ms). Default: the preset's, else not checked. */
      itlP99Ms: z.number().positive().optional(),
      /** End-to-end time of a request (ms). Default: the preset's, else not checked. */
      e2eMs: z.number().positive().optional(),
      /** Share of requests that must meet every bound. Default: 0.9. */
      target: z.number().gt(0).max(1).optional(),
    })
    .strict()
    .refine((s) => s.preset !== undefined || s.ttftMs !== undefined || s.tpotMs !== undefined || s.itlP99Ms !== undefined || s.e2eMs !== undefined, { message: 'name a preset or at least one bound' }),
]);

/**
 * Accuracy: suites, tasks and perplexity texts run on every entry after its speed measurement, their
 * metrics stored in the same entry.
 */
export const qualitySchema = z
  .object({
    /** Suites by name (`slmbench suites` lists them) or file. Default: none. */
    suites: z.array(z.string().min(1)).default([]),
    /** Tasks by id or file. Default: none. */
    tasks: z.array(z.string().min(1)).default([]),
    /** Plain-text files scored for perplexity (documents split at `separator`). Default: none. */
    perplexity: z
      .array(
        z
          .object({
            /** The text file. Required. */
            file: z.string().min(1),
            /** Text between documents. Default: a blank line. */
            separator: z.string().min(1).optional(),
            /** New tokens predicted per window. Default: the whole window (disjoint windows). */
            stride: z.number().int().min(1).optional(),
            /** Task id in results. Default: `perplexity-<file name>`. */
            id: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    /** Rows per task (the first N). Default: each suite's or task's own policy. */
    limit: z.number().int().min(1).optional(),
    /** Seed of few-shot sampling and bootstrap. Default: the policy's (1234). */
    seed: z.number().int().min(0).optional(),
    /** Few-shot examples per prompt. Default: the task's own. */
    fewshot: z.number().int().min(0).optional(),
    /** Folder of the shared public benchmarks (holding arc_easy/, gsm8k/, …). Default: `$SLMBENCH_SHARED/datasets`. */
    sharedDatasets: z.string().min(1).optional(),
    /** Write every row's prediction and scores to `DIR/samples/<entry id>.jsonl`. Default: false. */
    logSamples: z.boolean().default(false),
    /** Fidelity against a reference entry (KL divergence, top-1 agreement, generation agreement). Default: none. */
    fidelity: fidelitySchema.optional(),
  })
  .strict();

/** Energy measurement: which providers, the idle baseline, the estimate's constants, the grid's carbon intensity. */
export const energySchema = z
  .object({
    /** Providers: `auto` = every one that works here, the CPU-time estimate always as a fallback. Default: `auto`. */
    providers: z.union([z.literal('auto'), z.array(z.enum(['rapl', 'nvidia', 'powermetrics', 'estimate'])).min(1)]).default('auto'),
    /** Idle power is measured over this many seconds before each entry and subtracted (measured providers). Default: 1. */
    baselineSeconds: z.number().positive().default(1),
    /** Grid carbon intensity in gCO2e/kWh. Default: 475 (IEA world average), flagged as the default in results. */
    gridIntensity: z.number().min(0).optional(),
    /** Constants of the CPU-time estimate. Default: from a table of CPU families. */
    estimate: z
      .object({
        /** Active watts per busy core. Default: from the CPU table. */
        wattsPerCore: z.number().positive().optional(),
        /** CPU TDP in watts, spread over `cores`. Default: unset. */
        tdpWatts: z.number().positive().optional(),
        /** Cores the TDP is spread over. Default: the device's physical cores. */
        cores: z.number().int().positive().optional(),
        /** Memory power per resident GiB (W/GiB). Default: 0.3725. */
        memoryWattsPerGiB: z.number().min(0).optional(),
      })
      .strict()
      .default({}),
    /** RAPL: the powercap folder. Default: `/sys/class/powercap`. */
    rapl: z.object({ root: z.string().min(1).optional() }).strict().default({}),
    /** NVIDIA: the nvidia-smi executable. Default: `nvidia-smi` on PATH. */
    nvidia: z.object({ executable: z.string().min(1).optional() }).strict().default({}),
  })
  .strict();

/** Builds the schema of one backend entry: `id` plus that backend's options, each a value or a list. */
export function backendEntrySchema(definition: BackendDefinition) {
  const fields: Record<string, z.ZodType> = { id: z.literal(definition.id) };
  for (const [key, field] of Object.entries(definition.optionsSchema.shape as Record<string, z.ZodType>)) {
    const element = field instanceof z.ZodDefault ? (field.def.innerType as z.ZodType) : field;
    fields[key] = z.union([element, z.array(element).min(1)]).optional().describe(field.description ?? '');
  }
  return z.object(fields).strict().describe(definition.description);
}

/** The whole config file. */
export function configSchema(registry: readonly BackendDefinition[]) {
  const backendEntries = registry.map(backendEntrySchema);
  const backendEntry =
    backendEntries.length === 1
      ? backendEntries[0]!
      : z.discriminatedUnion('id', backendEntries as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
  return z
    .object({
      /** Optional `$schema` reference for editors. */
      $schema: z.string().optional(),
      /** What to run: every model × backend option combination × workload. */
      sweep: z
        .object({
          /**
           * Models to run with every (non-composite) backend. Required (at least one) unless every backend is
           * a composite (`cascade`, `ensemble`), whose models are listed in its `stages`. Default: none.
           */
          models: z.array(modelSpecSchema).default([]),
          /** Backends with their options; a list in an option expands into one entry per value. Default: llama-cpp. */
          backends: z.array(backendEntry).min(1).default([{ id: 'llama-cpp' }]),
          /** Workloads. Default: one workload of 128 prompt tokens and 128 generated tokens. */
          workloads: z.array(workloadSpecSchema).min(1).default([{ genTokens: 128 }]),
        })
        .strict()
        .superRefine((sweep, context) => {
          if (sweep.models.length) return;
          const single = sweep.backends.find((b) => !registry.find((d) => d.id === b.id)?.composite);
          if (single) context.addIssue({ code: 'custom', path: ['models'], message: `backend ${single.id} needs at least one model` });
        }),
      /** Measurement policy. Defaults as documented on each field. */
      measure: measureSchema.default({
        warmupRuns: 1,
        warmupSeconds: 1,
        minRepetitions: 5,
        minSeconds: 1,
        maxRepetitions: 1000,
        maxSeconds: 30,
        targetCiWidth: 0.02,
        warmupUntilStable: false,
        processes: 3,
        memorySampleMs: 10,
        timeoutSeconds: 600,
        cachedTtftRuns: 5,
      }),
      /** Energy measurement. Defaults as documented on each field. */
      energy: energySchema.default({ providers: 'auto', baselineSeconds: 1, estimate: {}, rapl: {}, nvidia: {} }),
      /** Accuracy tasks run on every entry. Default: none. */
      quality: qualitySchema.default({ suites: [], tasks: [], perplexity: [], logSamples: false }),
      /** Output folder. Default: `slmbench-results/<start time>`. */
      out: z.string().min(1).optional(),
      /** A latency budget every entry is judged against (`metrics.slo`): a preset name or bounds. Default: none. */
      slo: sloSchema.optional(),
      /** The ranking of the run. Defaults as documented on each field. */
      ranking: z
        .object({
          /** Leave entries that miss the latency budget (`slo`) off the Pareto front (unranked, with the reason). Default: false. */
          requireSlo: z.boolean().default(false),
        })
        .strict()
        .default({ requireSlo: false }),
    })
    .strict()
    .superRefine((config, context) => {
      if (config.ranking.requireSlo && !config.slo) context.addIssue({ code: 'custom', path: ['ranking', 'requireSlo'], message: 'needs an slo (a preset name or bounds) to require' });
    });
}

export type ModelSpec = z.output<typeof modelSpecSchema>;
export type WorkloadSpec = z.output<typeof workloadSpecSchema>;
export type MeasurePolicy = z.output<typeof measureSchema>;
export type EnergySettings = z.output<typeof energySchema>;
export type QualitySettings = z.output<typeof qualitySchema>;
export type FidelitySettings = z.output<typeof fidelitySchema>;
export type SloSettings = z.output<typeof sloSchema>;
export type SweepConfig = z.output<ReturnType<typeof configSchema>>;
/** One backend entry of a config as written: `id` plus options whose values may be lists. */
export type BackendSpec = { id: string } & Record<string, unknown>;
