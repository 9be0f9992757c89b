/**
 * Interval of median(a) ÷ median(b) when each side was measured in several worker processes: the unit
 * of evidence is the process, not the repetition. Repetitions inside one process share its memory
 * layout, thread placement, clocks and neighbours, so a test that treats them as independent calls
 * two runs of the same thing different (on a 2-core VM, process medians of one entry differ by 3–18%).
 *
 * Each resample draws both sides two-stage (processes with replacement, then repetitions within each
 * drawn process; see {@link resampleTwoStageMedian}), a's draw first, from one seeded generator, and
 * takes the ratio of the two medians. The percentile interval of that distribution sees only the
 * processes it was given, so it is widened on the log scale about the estimate by
 * (t(q, df) ÷ z(q)) · u, where, from the log medians of the processes of each side (variances s²,
 * counts P):
 * - u = √((s²ₐ/Pₐ + s²ᵦ/Pᵦ) ÷ (s²ₐ(Pₐ−1)/Pₐ² + s²ᵦ(Pᵦ−1)/Pᵦ²)), the bootstrap's understatement of the
 *   variance of a mean of P processes ((P−1)/P), or √(m/(m−1)) for m = min(Pₐ, Pᵦ) when every process
 *   median is equal;
 * - df is Welch–Satterthwaite's, kept within [m − 1, Pₐ + Pᵦ − 2] (Pₐ + Pᵦ − 2 when the variances are 0).
 * The within-process part of the bootstrap's spread is widened too, which errs towards a wider
 * interval. Both sides need at least 2 processes.
 *
 * The same widened interval gives the smallest change the comparison would detect: with half-width h
 * on the log scale at quantile q, a true log change of h · (t(q, df) + t(power, df)) ÷ t(q, df) falls
 * outside the interval with probability `power`.
 */
import { checkBootstrapOptions } from './bootstrapInterval.js';
import { resampleTwoStageMedian } from './hierarchicalBootstrapMedian.js';
import { seededUniform } from './seededUniform.js';
import { studentTQuantile } from './studentTQuantile.js';
import { percentileSorted, summarize } from './summarize.js';

/** Options of {@link bootstrapRatioOfProcessMedians}. */
export interface ProcessRatioOptions {
  /** Coverage of the interval, in (0, 1). Default: 0.95. */
  confidence?: number;
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number;
  /** Seed of the resampling generator. Default: 1. */
  seed?: number;
  /** Power at which the minimum detectable change is stated, in (0, 1). Default: 0.8. */
  power?: number;
}

/** The interval of a ratio of medians over processes. */
export interface ProcessRatioInterval {
  /** median(all of a) ÷ median(all of b). */
  estimate: number;
  /** Ends of the widened interval. */
  low: number;
  high: number;
  confidence: number;
  /** Processes on each side, [a, b]. */
  processes: [number, number];
  /** Repetitions on each side, [a, b]. */
  repetitions: [number, number];
  /** Degrees of freedom of the widening. */
  df: number;
  /** The widening applied to the percentile interval's log half-widths. */
  factor: number;
  /**
   * The smallest change of the ratio, as a factor ≥ 1 on the log scale (1.08: a change to 0.926× or to
   * 1.08×), that falls outside an interval like this one with probability `power`.
   */
  minimumDetectable: number;
  power: number;
  resamples: number;
  seed: number;
  method: 'two-stage percentile bootstrap over processes, widened for few processes';
}

/**
 * @param a the repetitions of each process of the first side (the numerator), at least 2 non-empty processes
 * @param b the same for the second side (the denominator)
 */
export function bootstrapRatioOfProcessMedians(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  options: ProcessRatioOptions = {},
): ProcessRatioInterval {
  const { confidence, resamples, seed } = checkBootstrapOptions(options);
  const power = options.power ?? 0.8;
  if (!(power > 0 && power < 1)) throw new RangeError(`power ${power} outside (0, 1)`);
  const groupsA = checked(a, 'first side');
  const groupsB = checked(b, 'second side');
  const medianOf = (values: readonly number[]) => percentileSorted([...values].sort((x, y) => x - y), 0.5);
  const allA = groupsA.flat();
  const allB = groupsB.flat();
  const estimate = medianOf(allA) / medianOf(allB);
  if (!(estimate > 0 && Number.isFinite(estimate))) throw new RangeError('ratio of process medians: both sides need positive medians');

  const uniform = seededUniform(seed);
  const scratchA = new Float64Array(allA.length);
  const scratchB = new Float64Array(allB.length);
  const distribution = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const numerator = resampleTwoStageMedian(groupsA, uniform, scratchA);
    distribution[r] = numerator / resampleTwoStageMedian(groupsB, uniform, scratchB);
  }
  const ordered = Array.from(distribution).sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  const rawLow = percentileSorted(ordered, tail);
  const rawHigh = percentileSorted(ordered, 1 - tail);

  const pa = groupsA.length;
  const pb = groupsB.length;
  const m = Math.min(pa, pb);
  const processMedians = (groups: number[][], what: string) => {
    const medians = groups.map(medianOf);
    if (medians.some((x) => x <= 0)) throw new RangeError(`ratio of process medians: a process of the ${what} has median 0`);
    return medians;
  };
  const va = logVariance(processMedians(groupsA, 'first side'));
  const vb = logVariance(processMedians(groupsB, 'second side'));
  const trueVar = va / pa + vb / pb;
  const bootVar = (va * (pa - 1)) / pa ** 2 + (vb * (pb - 1)) / pb ** 2;
  const understatement = trueVar > 0 ? Math.sqrt(trueVar / bootVar) : Math.sqrt(m / (m - 1));
  const welch = trueVar > 0 ? trueVar ** 2 / ((va / pa) ** 2 / (pa - 1) + (vb / pb) ** 2 / (pb - 1)) : pa + pb - 2;
  const df = Math.min(pa + pb - 2, Math.max(m - 1, welch));
  const q = 1 - tail;
  const tq = studentTQuantile(q, df);
  const factor = (tq / studentTQuantile(q, 1e9)) * understatement;
  const logEstimate = Math.log(estimate);
  const widen = (end: number) => (end > 0 ? Math.exp(logEstimate + factor * (Math.log(end) - logEstimate)) : 0);
  const low = widen(rawLow);
  const high = widen(rawHigh);
  const halfWidth = low > 0 ? (Math.log(high) - Math.log(low)) / 2 : Number.POSITIVE_INFINITY;
  const minimumDetectable = Math.exp((halfWidth * (tq + studentTQuantile(power, df))) / tq);
  return {
    estimate,
    low,
    high,
    confidence,
    processes: [pa, pb],
    repetitions: [allA.length, allB.length],
    df,
    factor,
    minimumDetectable,
    power,
    resamples,
    seed,
    method: 'two-stage percentile bootstrap over processes, widened for few processes',
  };
}

function checked(groups: readonly (readonly number[])[], what: string): number[][] {
  const nonEmpty = groups.filter((g) => g.length > 0).map((g) => [...g]);
  if (nonEmpty.length < 2) throw new RangeError(`ratio of process medians: the ${what} has ${nonEmpty.length} process${nonEmpty.length === 1 ? '' : 'es'}; at least 2 are needed`);
  for (const group of nonEmpty) {
    for (const x of group) if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`ratio of process medians: value ${x} in the ${what} is not a finite number ≥ 0`);
  }
  return nonEmpty;
}

/** Sample variance (n − 1) of the logarithms of `values` (at least 2). */
function logVariance(values: readonly number[]): number {
  return summarize(values.map((v) => Math.log(v)))!.stdev! ** 2;
}
