/**
 * Natural-log probability of one token under a row of logits, computed stably (max-shifted
 * log-sum-exp in float64), and whether that token is the row's argmax. Shared by the adapters that
 * score from raw logits.
 */
import { argmax } from './argmax.js';

export interface TokenLogprob {
  /** ln softmax(logits)[tokenId]. */
  logprob: number;
  /** True when `tokenId` has the highest logit in the row (ties go to the lowest id, as argmax does). */
  isArgmax: boolean;
}

/**
 * @param logits a flat array holding rows of `vocabSize` logits
 * @param offset index of the first logit of the row
 * @param vocabSize length of the row
 * @param tokenId the token whose log-probability is wanted
 */
export function logSoftmaxAt(
  logits: ArrayLike<number>,
  offset: number,
  vocabSize: number,
  tokenId: number,
): TokenLogprob {
  if (tokenId < 0 || tokenId >= vocabSize) throw new RangeError(`token id ${tokenId} outside vocabulary of ${vocabSize}`);
  const best = argmax(logits, offset, vocabSize);
  const max = logits[offset + best]!;
  let sum = 0;
  for (let i = 0; i < vocabSize; i++) sum += Math.exp(logits[offset + i]! - max);
  return { logprob: logits[offset + tokenId]! - max - Math.log(sum), isArgmax: best === tokenId };
}
