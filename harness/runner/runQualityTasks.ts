/** Runs an entry's accuracy tasks on its loaded model, one after another, logging every row's prediction when asked. */
import { appendFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { ResolvedTask } from '../../suites/resolveTask.js';
import { rowScores } from '../../suites/metrics/rowScores.js';
import { runTask, type TaskResult, type TaskSample } from '../../suites/runTask.js';

/** Per-row scores in row order, one array per metric of the task's (`reported`) that every row scored. */
function collect(scored: { row: number; scores: Record<string, number> }[], reported: readonly string[]): NonNullable<TaskResult['rowScores']> {
  const sorted = [...scored].sort((a, b) => a.row - b.row);
  const metrics = Object.keys(sorted[0]!.scores).filter((m) => reported.includes(m) && sorted.every((s) => typeof s.scores[m] === 'number'));
  return { rows: sorted.map((s) => s.row), scores: Object.fromEntries(metrics.map((m) => [m, sorted.map((s) => s.scores[m]!)])) };
}

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
    // Every row's scores, kept in the record for paired comparisons of two entries on the same items.
    const scored: { row: number; scores: Record<string, number> }[] = [];
    const log = {
      logSamples: (sample: TaskSample) => {
        if (samplesFile) lines.push(JSON.stringify(sample));
        const scores = rowScores(sample);
        if (scores) scored.push({ row: sample.row, scores });
        onSample?.(sample);
      },
    };
    const result = await runTask(model, task, log);
    if (samplesFile && lines.length) appendFileSync(samplesFile, `${lines.join('\n')}\n`);
    const perItem = scored.length ? collect(scored, Object.keys(result.metrics)) : null;
    results.push(perItem && Object.keys(perItem.scores).length ? { ...result, rowScores: perItem } : result);
  }
  return results;
}
