/** Runs an entry's accuracy tasks on its loaded model, one after another, logging every row's prediction when asked. */
import { appendFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { ResolvedTask } from '../../suites/resolveTask.js';
import { runTask, type TaskResult, type TaskSample } from '../../suites/runTask.js';

/**
 * @param samplesFile where per-row predictions go (`--log-samples`, one JSON line per row); null for nowhere
 * @param onTask called as each task begins (for progress)
 * @param onSample called with every row's prediction as the row ends (the oracle's routed rows). Default: none.
 */
export async function runQualityTasks(
  model: LoadedModel,
  tasks: readonly ResolvedTask[],
  samplesFile: string | null,
  onTask: (taskId: string) => Promise<void> | void = () => undefined,
  onSample?: (sample: TaskSample) => void,
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of tasks) {
    await onTask(task.definition.id);
    const lines: string[] = [];
    const log = samplesFile || onSample
      ? {
          logSamples: (sample: TaskSample) => {
            if (samplesFile) lines.push(JSON.stringify(sample));
            onSample?.(sample);
          },
        }
      : {};
    const result = await runTask(model, task, log);
    if (samplesFile && lines.length) appendFileSync(samplesFile, `${lines.join('\n')}\n`);
    results.push(result);
  }
  return results;
}
