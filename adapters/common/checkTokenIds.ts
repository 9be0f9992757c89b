/**
 * Workload checks shared by the adapters that run a model's graph themselves: token ids must lie in the
 * vocabulary, and the sequence must fit the model's trained context.
 */
import { WorkloadError } from '../../harness/errors.js';
import type { RuntimeModelInfo } from '../types.js';

/**
 * @param what the operation, prefixed to messages (`generate`, `score`)
 * @param ids the token ids given
 * @param newTokens tokens that will be generated after `ids` (0 for scoring)
 * @param model the model's vocabulary size and context length (0 = unknown, not checked)
 * @throws WorkloadError naming the first id outside the vocabulary, or the lengths that exceed the context
 */
export function checkTokenIds(
  what: string,
  ids: readonly number[],
  newTokens: number,
  model: Pick<RuntimeModelInfo, 'vocabSize' | 'contextLength'>,
): void {
  const { vocabSize, contextLength } = model;
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new WorkloadError(`${what}: token id ${bad} is outside the vocabulary of ${vocabSize}`);
  if (contextLength > 0 && ids.length + newTokens > contextLength) {
    throw new WorkloadError(
      `${what}: ${ids.length} tokens${newTokens ? ` + ${newTokens} new` : ''} exceed the model's context of ${contextLength}`,
    );
  }
}
