/**
 * The accuracy tasks of a sweep, from the config's `quality` section: suites, single tasks and perplexity
 * texts, with the command line's limit, seed and few-shot count over each suite's policy. The runner
 * calls it before the sweep (so a bad task file stops the run with exit 2) and every worker calls it
 * again to run them.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import type { QualitySettings } from '../harness/config/configSchema.js';
import { ConfigError } from '../harness/errors.js';
import { loadSuite } from './loadSuite.js';
import { resolveTask, type ResolvedTask } from './resolveTask.js';
import { textPerplexityTask } from './textPerplexityTask.js';
import { isFileReference } from './registry.js';

/** True when the settings name any task. */
export function hasQualityTasks(settings: QualitySettings): boolean {
  return settings.suites.length + settings.tasks.length + settings.perplexity.length > 0;
}

/** Makes file references absolute (relative to `baseDir`, the config's folder) so workers find them. */
export function absoluteQualityPaths(settings: QualitySettings, baseDir: string): QualitySettings {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const ref = (name: string) => (isFileReference(name) ? abs(name) : name);
  return {
    ...settings,
    suites: settings.suites.map(ref),
    tasks: settings.tasks.map(ref),
    perplexity: settings.perplexity.map((p) => ({ ...p, file: abs(p.file) })),
    ...(settings.sharedDatasets ? { sharedDatasets: abs(settings.sharedDatasets) } : {}),
    ...(settings.fidelity
      ? {
          fidelity: {
            ...settings.fidelity,
            ...(settings.fidelity.text ? { text: abs(settings.fidelity.text) } : {}),
            ...(settings.fidelity.cacheDir ? { cacheDir: abs(settings.fidelity.cacheDir) } : {}),
            ...(settings.fidelity.reference ? { reference: { ...settings.fidelity.reference, model: absModel(settings.fidelity.reference.model, abs) } } : {}),
          },
        }
      : {}),
  };
}

/** A model spec with its local path made absolute (`forge:`, `hf:`, `remote:` specs unchanged). */
function absModel(model: string | { path: string; name?: string | undefined }, abs: (p: string) => string): string | { path: string; name?: string | undefined } {
  if (typeof model !== 'string') return { ...model, path: abs(model.path) };
  return /^[a-z][a-z0-9+-]*:/i.test(model) ? model : abs(model);
}

/** Resolves every task; throws the suites' errors (naming file, path and field) for bad input. */
export function resolveQualityTasks(settings: QualitySettings): ResolvedTask[] {
  const overrides = {
    ...(settings.limit === undefined ? {} : { limit: settings.limit }),
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.fewshot === undefined ? {} : { fewshot: settings.fewshot }),
  };
  const common = settings.sharedDatasets ? { sharedDatasetsDir: settings.sharedDatasets } : {};
  const tasks: ResolvedTask[] = [];
  for (const suite of settings.suites) tasks.push(...loadSuite(suite, { ...common, overrides }).tasks);
  for (const task of settings.tasks) tasks.push(resolveTask(task, { ...common, policy: [overrides] }));
  for (const text of settings.perplexity) {
    tasks.push(
      textPerplexityTask(text.file, {
        ...common,
        policy: [overrides],
        id: text.id ?? `perplexity-${basename(text.file).toLowerCase().replace(/[^a-z0-9_-]+/g, '_')}`,
        ...(text.separator === undefined ? {} : { separator: text.separator }),
        ...(text.stride === undefined ? {} : { stride: text.stride }),
      }),
    );
  }
  const ids = new Set<string>();
  for (const task of tasks) {
    const id = task.definition.id;
    if (ids.has(id)) throw new ConfigError(`quality: task ${id} is listed twice (in a suite and on its own?)`);
    ids.add(id);
  }
  return tasks;
}
