/**
 * When to stop measuring an entry. After each measured repetition the worker asks {@link
 * MeasurementPolicy.next}; the answer is "stop" when
 * - the maximum repetition count is reached (always, even before `minSeconds`), or
 * - both minimums (repetitions and seconds) are reached and either no precision target is set, or the
 *   percentile-bootstrap interval of the median of the values (e.g. decode tokens/s) has a relative
 *   width (high − low) ÷ median ≤ `targetRelativeWidth`, or `maxSeconds` have passed.
 *
 * The bootstrap (seeded, exactly reproducible) costs about `resamples × n` steps, so after an evaluation
 * at n values it is recomputed only at n + max(1, ⌊n · recheckGrowth⌋) values (every repetition while
 * n < 1 ÷ recheckGrowth, then geometrically): the total cost stays linear in the final n, at the price of
 * stopping up to a fraction `recheckGrowth` of repetitions later than strictly needed.
 */
import { bootstrapInterval, type BootstrapInterval } from './bootstrapInterval.js';

/** Options of {@link createMeasurementPolicy}. */
export interface MeasurementPolicyOptions {
  /** Never stop before this many measured repetitions. Default: 5. */
  minRepetitions?: number;
  /** Never stop before this many seconds of measuring (after warmup). Default: 1. */
  minSeconds?: number;
  /** Always stop at this many repetitions. Default: 1000. */
  maxRepetitions?: number;
  /** Stop after this many seconds even if the target is not met (never before the minimums). Default: 60. */
  maxSeconds?: number;
  /**
   * Stop once the interval's relative width (high − low) ÷ median is at most this; null: stop as soon
   * as both minimums are reached. Default: 0.02.
   */
  targetRelativeWidth?: number | null;
  /** Coverage of the interval. Default: 0.95. */
  confidence?: number;
  /** Bootstrap resamples per evaluation. Default: 2000. */
  resamples?: number;
  /** Bootstrap seed (each evaluation uses the same seed, so a decision is a pure function of the values). Default: 1. */
  seed?: number;
  /** After an evaluation at n values, re-evaluate at n + max(1, ⌊n · recheckGrowth⌋) values. Default: 0.1. */
  recheckGrowth?: number;
}

/** What the worker knows after a repetition. */
export interface MeasurementProgress {
  /** Measured repetitions so far. */
  repetitions: number;
  /** Seconds since the measured loop began. */
  elapsedSeconds: number;
  /** The per-repetition values whose median must be precise (e.g. decode tokens/s); may be fewer than `repetitions`. */
  values: readonly number[];
}

/** The answer after a repetition. */
export interface MeasurementDecision {
  /** True: measure no more. */
  stop: boolean;
  /**
   * Why: `target` (interval narrow enough), `minimums` (no target, or no values to judge), `max-repetitions`,
   * `max-seconds`; null while going on.
   */
  reason: 'target' | 'minimums' | 'max-repetitions' | 'max-seconds' | null;
  /** The most recent interval evaluated (possibly from fewer values than now); null before the first. */
  interval: BootstrapInterval | null;
}

/** A stateful stop rule for one entry's measured loop. */
export interface MeasurementPolicy {
  /** The options with every default filled in. */
  readonly options: Readonly<Required<MeasurementPolicyOptions>>;
  /** Decides whether to stop after the repetition just finished. */
  next(progress: MeasurementProgress): MeasurementDecision;
}

/** Creates the stop rule; throws a RangeError on inconsistent options. */
export function createMeasurementPolicy(options: MeasurementPolicyOptions = {}): MeasurementPolicy {
  const resolved: Required<MeasurementPolicyOptions> = {
    minRepetitions: options.minRepetitions ?? 5,
    minSeconds: options.minSeconds ?? 1,
    maxRepetitions: options.maxRepetitions ?? 1000,
    maxSeconds: options.maxSeconds ?? 60,
    targetRelativeWidth: options.targetRelativeWidth === undefined ? 0.02 : options.targetRelativeWidth,
    confidence: options.confidence ?? 0.95,
    resamples: options.resamples ?? 2000,
    seed: options.seed ?? 1,
    recheckGrowth: options.recheckGrowth ?? 0.1,
  };
  const { minRepetitions, minSeconds, maxRepetitions, maxSeconds, targetRelativeWidth, recheckGrowth } = resolved;
  if (!Number.isInteger(minRepetitions) || minRepetitions < 1) throw new RangeError(`minRepetitions ${minRepetitions} must be an integer ≥ 1`);
  if (!Number.isInteger(maxRepetitions) || maxRepetitions < minRepetitions) {
    throw new RangeError(`maxRepetitions ${maxRepetitions} must be an integer ≥ minRepetitions (${minRepetitions})`);
  }
  if (!(minSeconds >= 0)) throw new RangeError(`minSeconds ${minSeconds} must be ≥ 0`);
  if (!(maxSeconds >= minSeconds)) throw new RangeError(`maxSeconds ${maxSeconds} must be ≥ minSeconds (${minSeconds})`);
  if (targetRelativeWidth !== null && !(targetRelativeWidth > 0)) {
    throw new RangeError(`targetRelativeWidth ${targetRelativeWidth} must be > 0 or null`);
  }
  if (!(recheckGrowth >= 0) || !Number.isFinite(recheckGrowth)) throw new RangeError(`recheckGrowth ${recheckGrowth} must be a finite number ≥ 0`);

  let interval: BootstrapInterval | null = null;
  let evaluatedAt = 0;
  return {
    options: resolved,
    next({ repetitions, elapsedSeconds, values }: MeasurementProgress): MeasurementDecision {
      if (repetitions >= maxRepetitions) return { stop: true, reason: 'max-repetitions', interval };
      if (repetitions < minRepetitions || elapsedSeconds < minSeconds) return { stop: false, reason: null, interval };
      if (targetRelativeWidth === null || values.length < 2) return { stop: true, reason: 'minimums', interval };
      if (evaluatedAt === 0 || values.length >= evaluatedAt + Math.max(1, Math.floor(evaluatedAt * recheckGrowth))) {
        interval = bootstrapInterval(values, {
          statistic: 'median',
          confidence: resolved.confidence,
          resamples: resolved.resamples,
          seed: resolved.seed,
        });
        evaluatedAt = values.length;
        if (interval.relativeWidth !== null && interval.relativeWidth <= targetRelativeWidth) {
          return { stop: true, reason: 'target', interval };
        }
      }
      if (elapsedSeconds >= maxSeconds) return { stop: true, reason: 'max-seconds', interval };
      return { stop: false, reason: null, interval };
    },
  };
}
