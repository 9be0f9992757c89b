/**
 * The config of a run from `--config FILE` (or, without one and without `--model`, the built-in quick
 * sweep) and the command-line flags that override it, validated once: the file is read as data, the
 * flags are merged in, and the whole is parsed by the config schema a single time (errors name the file
 * and the field).
 */
import { dirname, resolve } from 'node:path';
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import { isFileReference } from '../../suites/registry.js';
import { ConfigError } from '../errors.js';
import { projectPath } from '../util/projectPath.js';
import { readDataFile } from '../util/readDataFile.js';
import type { SweepConfig } from './configSchema.js';
import { parseConfig } from './parseConfig.js';

/** The flags of `slmbench run` (and `gate --config`) that shape the config. */
export interface RunConfigFlags {
  /** Config file (YAML or JSON). Default: the built-in quick sweep when no `model` is given either. */
  config?: string;
  /** Model paths or specs; replace the config's models. Default: the config's. */
  model?: string[];
  /** Backend ids; replace the config's backends (keeping a same-id backend's options from the config). Default: the config's. */
  backend?: string[];
  /** Prompt length in tokens (one workload). Default: the config's, else 128. */
  promptTokens?: number;
  /** Tokens to generate (one workload). Default: the config's, else 128. */
  genTokens?: number;
  /** Explicit prompt text (one workload); excludes `promptTokens`. Default: none. */
  prompt?: string;
  /** KV-cache depths before the prompt (the workload's `depth`; several sweep it). Default: the config's, else 0. */
  depth?: number[];
  /** Requests in flight together (the workload's `concurrency`; several sweep it). Default: the config's, else 1. */
  concurrency?: number[];
  /** Exactly this many measured repetitions per process (sets min = max, min seconds 0, no interval target). Default: the config's policy. */
  repetitions?: number;
  /** Worker processes per entry (`measure.processes`). Default: the config's, else 3. */
  processes?: number;
  /** Seconds of warmup at least (`measure.warmupSeconds`). Default: the config's, else 1. */
  warmupSeconds?: number;
  /** Per-entry timeout in seconds. Default: the config's, else 600. */
  timeout?: number;
  /** Accuracy suites by name or file (repeatable). Default: the config's. */
  suite?: string[];
  /** Accuracy tasks by id or file (repeatable). Default: the config's. */
  task?: string[];
  /** Plain-text files to score for perplexity (repeatable). Default: the config's. */
  perplexity?: string[];
  /** Document separator of the perplexity texts. Default: a blank line. */
  separator?: string;
  /** Rows per accuracy task. Default: each task's policy. */
  limit?: number;
  /** Write per-sample predictions to DIR/samples/<entry id>.jsonl. Default: false. */
  logSamples?: boolean;
  /** Latency budget preset every entry is judged against (`voice`, `chat`, `mlperf-interactive`, `reading`). Default: the config's. */
  slo?: string;
  /** Leave entries that miss the budget off the Pareto front. Default: the config's (false). */
  requireSlo?: boolean;
  /** Fidelity against a reference: `true` (the held-out text, or the config's), or a text file. Default: the config's. */
  fidelity?: boolean | string;
}

/** The parsed config, where it came from, and the folder its relative paths are resolved against. */
export interface RunConfig {
  config: SweepConfig;
  /** The config file as given, or `command line`. */
  source: string;
  /** The config file's folder; the working directory for paths given on the command line. */
  baseDir: string;
}

/**
 * Builds the config from `--config` and the flags that override it; see the module comment. `stored`
 * (a resumed sweep's config) takes the place of the config file. Default: none.
 */
export function applyRunFlags(flags: RunConfigFlags, registry: readonly BackendDefinition[] = backendRegistry, stored?: SweepConfig): RunConfig {
  let data: Record<string, unknown> = {};
  let source = 'command line';
  let baseDir = process.cwd();
  if (stored) {
    // A resumed sweep's config (`--resume --out DIR` and flags): the flags apply to it, to be compared.
    data = { ...stored };
    source = 'resumed sweep';
  } else if (flags.config) {
    const file = resolve(flags.config);
    const read = readDataFile(file, { what: 'config', shown: file, error: (problem, shown) => new ConfigError(`${shown}: ${problem}`) });
    if (read !== null && read !== undefined && (typeof read !== 'object' || Array.isArray(read))) {
      throw new ConfigError(`${file}: (top level): expected an object with a sweep section`);
    }
    data = (read as Record<string, unknown> | null) ?? {};
    source = flags.config;
    baseDir = dirname(file);
  }
  const sweep = { ...((data.sweep as Record<string, unknown> | undefined) ?? {}) };
  if (flags.model?.length) {
    sweep.models = flags.model;
    baseDir = process.cwd(); // command-line paths are relative to where the command runs
  }
  const backendsGiven = Array.isArray(sweep.backends) ? (sweep.backends as { id?: unknown }[]) : [];
  const onlyComposites = backendsGiven.length > 0 && backendsGiven.every((b) => registry.find((d) => d.id === b.id)?.composite);
  if (!sweep.models && !onlyComposites) {
    if (flags.config && data.sweep === undefined) {
      throw new ConfigError(`${flags.config}: sweep: missing (the models, backends and workloads to run; or pass --model PATH)`);
    }
    if (flags.config) throw new ConfigError(`${flags.config}: sweep.models: no model to run (or pass --model PATH)`);
    // No config and no model: the built-in quick sweep.
    return applyRunFlags({ ...flags, config: projectPath('suites', 'sweeps', 'quick.yaml') }, registry);
  }
  if (flags.backend?.length) {
    const previous = (sweep.backends as { id: string }[] | undefined) ?? [];
    sweep.backends = flags.backend.map((id) => previous.find((b) => b.id === id) ?? { id });
  }
  if (flags.promptTokens !== undefined || flags.genTokens !== undefined || flags.prompt !== undefined || flags.depth !== undefined || flags.concurrency !== undefined) {
    if (flags.prompt !== undefined && flags.promptTokens !== undefined) {
      throw new ConfigError('--prompt and --prompt-tokens exclude each other');
    }
    const previous = ((sweep.workloads as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    sweep.workloads = [
      {
        ...(flags.prompt !== undefined
          ? { prompt: flags.prompt }
          : flags.promptTokens !== undefined
            ? { promptTokens: flags.promptTokens }
            : previous.prompt !== undefined
              ? { prompt: previous.prompt }
              : previous.promptTokens !== undefined
                ? { promptTokens: previous.promptTokens }
                : {}),
        genTokens: flags.genTokens ?? previous.genTokens ?? 128,
        ...(flags.depth !== undefined ? { depth: flags.depth } : previous.depth !== undefined ? { depth: previous.depth } : {}),
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : previous.concurrency !== undefined ? { concurrency: previous.concurrency } : {}),
        ...(previous.arrival !== undefined ? { arrival: previous.arrival } : {}),
        ...(previous.batchWindowMs !== undefined ? { batchWindowMs: previous.batchWindowMs } : {}),
      },
    ];
  }
  const measure = { ...((data.measure as Record<string, unknown> | undefined) ?? {}) };
  if (flags.repetitions !== undefined) {
    measure.minRepetitions = flags.repetitions;
    measure.maxRepetitions = flags.repetitions;
    measure.minSeconds = 0;
    measure.targetCiWidth = null;
  }
  if (flags.timeout !== undefined) measure.timeoutSeconds = flags.timeout;
  if (flags.warmupSeconds !== undefined) measure.warmupSeconds = flags.warmupSeconds;
  if (flags.processes !== undefined) measure.processes = flags.processes;
  const quality = { ...((data.quality as Record<string, unknown> | undefined) ?? {}) };
  // Files named on the command line are relative to where the command runs.
  const fromCwd = (p: string) => (isFileReference(p) ? resolve(p) : p);
  if (flags.suite?.length) quality.suites = flags.suite.map(fromCwd);
  if (flags.task?.length) quality.tasks = flags.task.map(fromCwd);
  if (flags.perplexity?.length) {
    quality.perplexity = flags.perplexity.map((file) => ({ file: resolve(file), ...(flags.separator ? { separator: flags.separator } : {}) }));
  } else if (flags.separator !== undefined) {
    throw new ConfigError('--separator applies to --perplexity FILE');
  }
  if (flags.limit !== undefined) quality.limit = flags.limit;
  if (flags.logSamples) quality.logSamples = true;
  if (flags.fidelity !== undefined && flags.fidelity !== false) {
    const given = (quality.fidelity as Record<string, unknown> | undefined) ?? {};
    quality.fidelity = typeof flags.fidelity === 'string' ? { ...given, text: resolve(flags.fidelity) } : given;
  }
  const extra: Record<string, unknown> = {};
  if (flags.slo !== undefined) extra.slo = flags.slo;
  if (flags.requireSlo) extra.ranking = { ...((data.ranking as Record<string, unknown> | undefined) ?? {}), requireSlo: true };
  const config = parseConfig({ ...data, ...extra, sweep, measure, quality }, source === 'command line' || stored ? source : resolve(source), registry);
  return { config, source, baseDir };
}
