/**
 * Accuracy of one multiple-choice item from the log-likelihood of each choice, as lm-evaluation-harness
 * scores it: `acc` picks the choice with the highest log-likelihood; `acc_norm` the highest log-likelihood
 * divided by the choice's length in UTF-8 bytes (lm-evaluation-harness divides by the length of the
 * Python string, the same for ASCII). Ties go to the first choice, like numpy's argmax.
 */

/** The outcome of one item. */
export interface MultipleChoiceOutcome {
  /** 1 when the highest log-likelihood is the gold choice, else 0. */
  acc: number;
  /** 1 when the highest length-normalised log-likelihood is the gold choice, else 0. */
  accNorm: number;
  /** Index of the choice picked by `acc`. */
  predicted: number;
  /** Index of the choice picked by `acc_norm`. */
  predictedNorm: number;
}

/** Scores one item: `logLikelihoods[i]` and `choiceBytes[i]` belong to choice i; `gold` is the right index. */
export function multipleChoiceMetrics(logLikelihoods: readonly number[], choiceBytes: readonly number[], gold: number): MultipleChoiceOutcome {
  if (logLikelihoods.length === 0 || logLikelihoods.length !== choiceBytes.length) {
    throw new Error(`multipleChoiceMetrics: ${logLikelihoods.length} log-likelihoods for ${choiceBytes.length} choices`);
  }
  const predicted = argmax(logLikelihoods);
  const predictedNorm = argmax(logLikelihoods.map((ll, i) => ll / Math.max(1, choiceBytes[i]!)));
  return { acc: predicted === gold ? 1 : 0, accNorm: predictedNorm === gold ? 1 : 0, predicted, predictedNorm };
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
