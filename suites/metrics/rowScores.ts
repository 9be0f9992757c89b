/**
 * A row's per-item scores from its logged sample, by metric: the values whose mean over the rows is the
 * task's metric (multiple choice `acc` and `acc_norm`; loglikelihood `acc`, 1 when the target is the
 * greedy continuation; generation every metric it scored). Paired comparisons of two entries on the same
 * items read them (`TaskResult.rowScores`). Perplexity rows have none.
 */
import type { TaskSample } from '../runTask.js';

export function rowScores(sample: TaskSample): Record<string, number> | null {
  switch (sample.type) {
    case 'multiple_choice':
      return { acc: sample.acc, acc_norm: sample.acc_norm };
    case 'loglikelihood':
      return { acc: sample.isGreedy ? 1 : 0 };
    case 'generate':
      return Object.keys(sample.scores).length ? { ...sample.scores } : null;
    default:
      return null;
  }
}
