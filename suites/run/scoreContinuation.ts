/**
 * Log-likelihood of a continuation after a context through `LoadedModel.score`, tokenized the way
 * lm-evaluation-harness does it (`_encode_pair`): white space at the end of the context moves to the
 * start of the continuation; the context is tokenized alone and the continuation is what tokenizing
 * context + continuation adds after the context's token count. A request longer than `maxLength` tokens
 * loses tokens from the left of its context, as lm-evaluation-harness truncates.
 */
import type { LoadedModel } from '../../adapters/types.js';

/** The score of one request. */
export interface ContinuationScore {
  /** Sum of the continuation tokens' natural-log probabilities. */
  logLikelihood: number;
  /** True when every continuation token is the greedy (argmax) choice. */
  isGreedy: boolean;
  /** Continuation tokens scored. */
  tokens: number;
  /** Context tokens dropped from the left to fit `maxLength` (0 when it fit). */
  truncated: number;
}

/** Options of {@link scoreContinuation}. */
export interface ScoreOptions {
  /** Prepend BOS to the context (where the model has one). */
  addBos: boolean;
  /** Most tokens (context + continuation) one score call may take. */
  maxLength: number;
}

/** The split of a request into context and continuation token ids, before truncation. */
export async function encodePair(model: LoadedModel, context: string, continuation: string, addBos: boolean): Promise<{ context: number[]; continuation: number[] }> {
  const spaces = context.length - context.trimEnd().length;
  if (spaces > 0) {
    continuation = context.slice(context.length - spaces) + continuation;
    context = context.slice(0, context.length - spaces);
  }
  let contextIds = await model.tokenize(context, { addBos });
  const whole = await model.tokenize(context + continuation, { addBos });
  const continuationIds = whole.slice(contextIds.length);
  if (contextIds.length === 0) {
    // Nothing to condition on: lm-evaluation-harness puts its prefix token (BOS, else EOS) first.
    const prefix = model.info.bosTokenId ?? model.info.eosTokenIds[0];
    if (prefix === undefined) throw new Error('the context is empty and the model has neither BOS nor EOS to start from');
    contextIds = [prefix];
  }
  return { context: contextIds, continuation: continuationIds };
}

/** Scores `continuation` after `context`. Throws when the continuation tokenizes to nothing or cannot fit. */
export async function scoreContinuation(model: LoadedModel, context: string, continuation: string, options: ScoreOptions): Promise<ContinuationScore> {
  if (!model.score) throw new Error('the backend cannot score (its loaded model has no score)');
  const pair = await encodePair(model, context, continuation, options.addBos);
  if (pair.continuation.length === 0) throw new Error(`the continuation ${JSON.stringify(continuation)} adds no tokens after the context`);
  if (pair.continuation.length >= options.maxLength) {
    throw new Error(`the continuation is ${pair.continuation.length} tokens, more than the ${options.maxLength - 1} a window of ${options.maxLength} can score`);
  }
  const room = options.maxLength - pair.continuation.length;
  const truncated = Math.max(0, pair.context.length - room);
  const contextIds = truncated > 0 ? pair.context.slice(truncated) : pair.context;
  const result = await model.score(contextIds, pair.continuation);
  let logLikelihood = 0;
  for (const lp of result.logprobs) logLikelihood += lp;
  return { logLikelihood, isGreedy: result.isGreedy, tokens: pair.continuation.length, truncated };
}
