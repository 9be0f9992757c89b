/**
 * A task made ready to run: its file loaded, its measurement policy settled (task file < suite policy <
 * per-task suite entry < command line), and where its data lives (shared folder, cache) decided.
 */
import { dirname } from 'node:path';
import type { HubOptions } from '../harness/hub/HubOptions.js';
import { loadTask, parseTask, type LoadedTask } from './loadTask.js';
import type { DatasetContext } from './loaders/loadDataset.js';
import { builtinTaskFile, isFileReference } from './registry.js';
import type { DatasetSpec } from './schema/datasetSpecSchema.js';
import type { MeasurementPolicy } from './schema/suiteSchema.js';

/** The settled measurement policy of one task. */
export interface TaskPolicy {
  /** Rows evaluated (the first N), or null for all. */
  limit: number | null;
  /** Seed of few-shot sampling and bootstrap resampling. */
  seed: number;
  /** Few-shot examples per prompt. */
  fewshot: number;
  /** Bootstrap resamples for standard errors. */
  bootstrapIterations: number;
}

/** Default seed (lm-evaluation-harness's few-shot seed). */
export const DEFAULT_SEED = 1234;
/** Default bootstrap resamples. */
export const DEFAULT_BOOTSTRAP_ITERATIONS = 1000;

/** Where data comes from, and policy overrides. */
export interface ResolveTaskOptions {
  /**
   * The shared public-benchmark datasets folder (the one holding `arc_easy/`, `gsm8k/`, …). Default:
   * `$SLMBENCH_SHARED/datasets`, or none.
   */
  sharedDatasetsDir?: string | null;
  /** How `hf:` dataset sources are downloaded. Default: the hub client's defaults, from the environment (see `HubOptions`). */
  hub?: HubOptions;
  /** Policy layers, weakest first (suite policy, suite entry, command line); later ones win. Default: none. */
  policy?: readonly (MeasurementPolicy | undefined)[];
  /** Replaces fields of the task's `dataset` block (point a task at another file). Default: none. */
  dataset?: Partial<DatasetSpec>;
}

/** A task ready for `runTask`. */
export interface ResolvedTask extends LoadedTask {
  policy: TaskPolicy;
  datasetContext: DatasetContext;
}

/** Resolves a loaded task, a built-in task id, or a task file path. */
export function resolveTask(task: LoadedTask | string, options: ResolveTaskOptions = {}): ResolvedTask {
  let loaded = typeof task === 'string' ? loadTask(isFileReference(task) ? task : builtinTaskFile(task)) : task;
  if (options.dataset) {
    const data = { ...loaded.definition, dataset: { ...loaded.definition.dataset, ...options.dataset } };
    loaded = parseTask(data, loaded.file, loaded.baseDir);
  }
  let policy: TaskPolicy = {
    limit: null,
    seed: DEFAULT_SEED,
    fewshot: loaded.definition.fewshot?.k ?? 0,
    bootstrapIterations: DEFAULT_BOOTSTRAP_ITERATIONS,
  };
  for (const layer of options.policy ?? []) policy = applyPolicy(policy, layer);
  return {
    ...loaded,
    policy,
    datasetContext: {
      baseDir: loaded.baseDir ?? dirname(loaded.file),
      taskFile: loaded.shownFile,
      ...(options.sharedDatasetsDir !== undefined ? { sharedDatasetsDir: options.sharedDatasetsDir } : {}),
      ...(options.hub ? { hub: options.hub } : {}),
    },
  };
}

/** Applies one policy layer. */
export function applyPolicy(policy: TaskPolicy, layer: MeasurementPolicy | undefined): TaskPolicy {
  if (!layer) return policy;
  return {
    limit: layer.limit ?? policy.limit,
    seed: layer.seed ?? policy.seed,
    fewshot: layer.fewshot ?? policy.fewshot,
    bootstrapIterations: layer.bootstrapIterations ?? policy.bootstrapIterations,
  };
}
