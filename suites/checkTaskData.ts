/**
 * Preflight of the accuracy tasks' data, before a sweep runs: every dataset file a task reads from this
 * machine (`builtin:`, `shared:`, a local path, and their `zip` files) must be there. All missing files are
 * named at once, with where each was looked for. `hf:` sources are fetched (or found in the cache) when the
 * task runs and are not checked here.
 */
import { existsSync } from 'node:fs';
import { DatasetNotFoundError } from './errors.js';
import { resolveSource } from './loaders/loadDataset.js';
import type { ResolvedTask } from './resolveTask.js';

/** Throws DatasetNotFoundError listing every missing dataset file of `tasks`. */
export async function checkTaskData(tasks: readonly ResolvedTask[]): Promise<void> {
  const problems: string[] = [];
  const unconfigured: string[] = [];
  for (const task of tasks) {
    const { dataset } = task.definition;
    for (const spec of [dataset, ...(dataset.zip ?? [])]) {
      if (spec.source.startsWith('hf:')) continue;
      try {
        const { path } = await resolveSource(spec, task.datasetContext);
        if (!existsSync(path)) problems.push(`${task.definition.id} (${spec.source}: looked for ${path})`);
      } catch (error) {
        if (!(error instanceof DatasetNotFoundError)) throw error;
        if (spec.source.startsWith('shared:')) unconfigured.push(task.definition.id);
        else problems.push(`${task.definition.id} (${error.message})`);
      }
    }
  }
  if (unconfigured.length) {
    problems.unshift(
      `${unconfigured.join(', ')} (shared: datasets, and the shared public-benchmark folder is not configured: set SLMBENCH_SHARED to the folder holding datasets/, or quality.sharedDatasets)`,
    );
  }
  if (problems.length) {
    throw new DatasetNotFoundError(`quality: datasets missing, nothing was run: ${problems.join('; ')}`);
  }
}
