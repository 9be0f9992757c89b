/**
 * The fidelity figures of one entry against a reference, position by position (pure arithmetic, exactly
 * tested). At each position the reference stored its top-k tokens S with ln p and the remainder's mass R;
 * the entry gives ln q of every token. The KL divergence KL(p ‖ q) is taken over S plus the remainder as one
 * outcome:
 *
 *   KL = Σ_{j∈S} p_j (ln p_j − ln q_j) + R (ln R − ln Q),   Q = Σ_{j∉S} q_j,
 *
 * with p and q each renormalised over those k + 1 outcomes (a float32 log-softmax sums to 1 only within
 * rounding; without it a KL of 1e-7 can come out negative),
 * which never exceeds the full KL (the log-sum inequality: merging outcomes cannot raise a divergence) and
 * equals it when the remainder is one token or q is proportional to p there: a true lower bound, tight
 * where the reference keeps most of its mass in its top k. A model against itself gives exactly 0.
 * Top-1 agreement is the share of positions where the entry's most likely token (the lower id among
 * equals) is the reference's. The reference's top token's Δ ln p is ln q − ln p of that token.
 */
import { argmax } from '../../adapters/common/argmax.js';
import { summarize } from '../stats/summarize.js';
import type { ReferencePosition } from './FidelityReference.js';
import { restMass } from './referencePosition.js';

/** `metrics.fidelity` of an entry. */
export interface FidelityMetrics {
  /**
   * The reference file's sha256 and the entry it was made from: its label, its model's sha256 and its
   * backend with the options it ran under (reports find the sweep's own entry of the reference by them).
   */
  reference: { sha256: string; label: string; modelSha256?: string | null; backend?: string; options?: Record<string, unknown> };
  /** KL divergence per position (nats): mean, median, p99, max. */
  klMean: number;
  klMedian: number;
  klP99: number;
  klMax: number;
  /** Share of positions where the entry's most likely token is the reference's. */
  top1Agreement: number;
  /** The reference's top token: mean of ln q − ln p, and the largest |ln q − ln p|. */
  topLogprobDeltaMean: number;
  topLogprobDeltaMaxAbs: number;
  /** The entry's mean negative log-likelihood of the text's tokens minus the reference's (nats per token). */
  deltaNll: number;
  /** The entry's mean NLL (nats per token). */
  nll: number;
  /** Perplexity ratio to the reference: exp(deltaNll). */
  pplRatio: number;
  /** Positions compared. */
  n: number;
  /** The mean share of the reference's mass outside its stored top k (how tight the KL bound is: 0 is exact). */
  restMassMean: number;
}

/** One position's figures. */
export interface PositionFigures {
  kl: number;
  agrees: boolean;
  topDelta: number;
  nll: number;
  referenceNll: number;
}

/** The smallest mass a remainder is given where the entry's is 0 (float32 underflow), so the KL stays finite. */
const TINY = Number.MIN_VALUE;
/** ln of it: where the entry gives a reference token ln q = −∞ (a backend that drops zero probabilities), the KL is large, not infinite. */
const LN_TINY = Math.log(TINY);

export class FidelityAccumulator {
  readonly #kl: number[] = [];
  #agree = 0;
  #deltaSum = 0;
  #deltaMaxAbs = 0;
  #nll = 0;
  #referenceNll = 0;
  #rest = 0;

  /**
   * Adds one position.
   * @param logprobs the entry's ln q of every token id at this position
   * @param target the text's actual next token
   */
  add(reference: ReferencePosition, logprobs: Float32Array, target: number): PositionFigures {
    // Both distributions over the same outcomes (the k tokens, the remainder), each normalised to 1 there:
    // float32 log-softmaxes sum to 1 only within rounding, and a mismatch would make small KLs negative.
    const ids = reference.ids;
    const qRest = reference.rest > 0 ? Math.max(restMass(logprobs, ids), TINY) : 0;
    let pTotal = reference.rest;
    let qTotal = qRest;
    for (let i = 0; i < ids.length; i++) {
      pTotal += Math.exp(reference.logprobs[i]!);
      qTotal += Math.exp(logprobs[ids[i]!]!);
    }
    const lnP = Math.log(pTotal);
    const lnQ = Math.log(qTotal);
    let kl = 0;
    for (let i = 0; i < ids.length; i++) {
      const lp = reference.logprobs[i]! - lnP;
      const p = Math.exp(lp);
      if (p > 0) kl += p * (lp - (Math.max(logprobs[ids[i]!]!, LN_TINY) - lnQ));
    }
    if (reference.rest > 0) {
      const lr = Math.log(reference.rest) - lnP;
      kl += Math.exp(lr) * (lr - (Math.log(qRest) - lnQ));
    }
    const top = reference.ids[0]!;
    const topDelta = logprobs[top]! - reference.logprobs[0]!;
    const agrees = argmax(logprobs, 0, logprobs.length) === top;
    const nll = -logprobs[target]!;
    const figures = { kl, agrees, topDelta, nll, referenceNll: -reference.target };
    this.#kl.push(kl);
    if (agrees) this.#agree++;
    this.#deltaSum += topDelta;
    this.#deltaMaxAbs = Math.max(this.#deltaMaxAbs, Math.abs(topDelta));
    this.#nll += nll;
    this.#referenceNll += figures.referenceNll;
    this.#rest += reference.rest;
    return figures;
  }

  /** The figures over every position added; throws when none was. */
  result(reference: FidelityMetrics['reference']): FidelityMetrics {
    const kl = summarize(this.#kl);
    if (!kl) throw new Error('fidelity: no position was compared');
    const n = kl.n;
    const deltaNll = (this.#nll - this.#referenceNll) / n;
    return {
      reference,
      klMean: kl.mean,
      klMedian: kl.median,
      klP99: kl.p99,
      klMax: kl.max,
      top1Agreement: this.#agree / n,
      topLogprobDeltaMean: this.#deltaSum / n,
      topLogprobDeltaMaxAbs: this.#deltaMaxAbs,
      deltaNll,
      nll: this.#nll / n,
      pplRatio: Math.exp(deltaNll),
      n,
      restMassMean: this.#rest / n,
    };
  }
}
