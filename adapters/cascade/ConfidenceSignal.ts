/**
 * A cascade stage's confidence in its answer over its first greedy tokens, from the next-token
 * distributions it chose them from. Higher is always more confident:
 * - `meanLogprob`: mean ln p of the chosen tokens (≤ 0);
 * - `minProb`: the smallest p of the chosen tokens (0 … 1);
 * - `entropy`: minus the mean entropy in nats of the distributions (≤ 0; 0·ln 0 counts as 0).
 * With no token added the confidence is NaN.
 */

/** Which signal a cascade computes. */
export type ConfidenceSignalKind = 'meanLogprob' | 'minProb' | 'entropy';

export class ConfidenceSignal {
  #count = 0;
  #sum = 0;
  #min = Infinity;

  constructor(readonly kind: ConfidenceSignalKind) {}

  /** Tokens added so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Adds one chosen token.
   * @param logprobs ln p of every token id at its position
   * @param tokenId the token chosen there
   */
  add(logprobs: ArrayLike<number>, tokenId: number): void {
    const chosen = logprobs[tokenId]!;
    this.#count++;
    switch (this.kind) {
      case 'meanLogprob':
        this.#sum += chosen;
        break;
      case 'minProb':
        this.#min = Math.min(this.#min, Math.exp(chosen));
        break;
      case 'entropy': {
        let entropy = 0;
        for (let i = 0; i < logprobs.length; i++) {
          const lp = logprobs[i]!;
          if (lp > -Infinity) entropy -= Math.exp(lp) * lp;
        }
        this.#sum += entropy;
        break;
      }
    }
  }

  /**
   * Adds one chosen token known only by its log-probability (a generation that reports it): enough for
   * `meanLogprob` and `minProb`; `entropy` needs the whole distribution and throws.
   */
  addChosen(logprob: number): void {
    if (this.kind === 'entropy') throw new RangeError('the entropy signal needs the whole next-token distribution');
    this.#count++;
    if (this.kind === 'meanLogprob') this.#sum += logprob;
    else this.#min = Math.min(this.#min, Math.exp(logprob));
  }

  /** The confidence over the tokens added (NaN when none was). */
  value(): number {
    if (this.#count === 0) return NaN;
    switch (this.kind) {
      case 'meanLogprob':
        return this.#sum / this.#count;
      case 'minProb':
        return this.#min;
      case 'entropy':
        return -this.#sum / this.#count;
    }
  }
}
