/**
 * The scoring rule of every adapter: continuation token i is read from the next-token distribution at
 * position `context length + i − 1`, and the continuation is greedy when every one of its tokens is the
 * argmax there.
 */
import type { ScoreResult } from '../types.js';
import type { TokenLogprob } from './logSoftmaxAt.js';

/**
 * @param contextLength number of context tokens (at least 1)
 * @param continuationTokenIds the tokens scored
 * @param logprobAt the log-probability of `tokenId` at sequence position `position`, with whether it is
 *   the argmax there (usually {@link logSoftmaxAt} over that position's logits)
 */
export function scoreContinuation(
  contextLength: number,
  continuationTokenIds: readonly number[],
  logprobAt: (position: number, tokenId: number) => TokenLogprob,
): ScoreResult {
  const logprobs: number[] = [];
  let isGreedy = true;
  for (let i = 0; i < continuationTokenIds.length; i++) {
    const { logprob, isArgmax } = logprobAt(contextLength + i - 1, continuationTokenIds[i]!);
    logprobs.push(logprob);
    isGreedy &&= isArgmax;
  }
  return { logprobs, isGreedy };
}
