/**
 * One row's score as a number in [0, 1], from the row's logged sample: what an oracle over several
 * answerers compares row by row. Multiple choice: `acc`; loglikelihood: 1 when the target is the greedy
 * continuation (the row's `acc`); generation: the task's first metric (`exact_match`, …). Perplexity rows
 * have no score (null): there is nothing to be right about.
 */
import type { TaskSample } from '../runTask.js';

export function sampleScore(sample: TaskSample): { metric: string; score: number } | null {
  switch (sample.type) {
    case 'multiple_choice':
      return { metric: 'acc', score: sample.acc };
    case 'loglikelihood':
      return { metric: 'acc', score: sample.isGreedy ? 1 : 0 };
    case 'generate': {
      const first = Object.entries(sample.scores)[0];
      return first ? { metric: first[0], score: first[1] } : null;
    }
    default:
      return null;
  }
}
