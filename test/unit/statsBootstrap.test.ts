import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../harness/stats/bootstrapInterval.js';
import { bootstrapRatioOfMedians } from '../../harness/stats/bootstrapRatioOfMedians.js';
import { seededUniform } from '../../harness/stats/seededUniform.js';
import { percentileSorted } from '../../harness/stats/summarize.js';

const asc = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** The textbook bootstrap, written out independently: build every resample, sort it, take its median. */
function naiveBootstrap(samples: readonly number[], statistic: 'median' | 'mean', resamples: number, seed: number, confidence = 0.95) {
  const sorted = asc(samples);
  const n = sorted.length;
  const u = seededUniform(seed);
  const dist: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const resample: number[] = [];
    for (let i = 0; i < n; i++) resample.push(sorted[Math.floor(u() * n)]!);
    if (statistic === 'median') dist.push(percentileSorted(asc(resample), 0.5));
    else dist.push(resample.reduce((s, x) => s + x, 0) / n);
  }
  const d = asc(dist);
  const alpha = 1 - confidence;
  return [percentileSorted(d, alpha / 2), percentileSorted(d, 1 - alpha / 2)];
}

const DECODE = [212.4, 219.8, 220.1, 218.7, 221.3, 219.2, 205.6, 220.6, 219.9, 218.1, 222.0, 217.5, 220.3, 219.4];

describe('seededUniform (mulberry32)', () => {
  it('gives the published mulberry32 sequence', () => {
    // uint32 outputs of mulberry32, computed independently (Python, 32-bit arithmetic) for seeds 1 and 42.
    const one = seededUniform(1);
    expect([one(), one(), one()]).toEqual([2693262067 / 2 ** 32, 11749833 / 2 ** 32, 2265367787 / 2 ** 32]);
    const fortyTwo = seededUniform(42);
    expect([fortyTwo(), fortyTwo(), fortyTwo()]).toEqual([2581720956 / 2 ** 32, 1925393290 / 2 ** 32, 3661312704 / 2 ** 32]);
  });

  it('takes the seed modulo 2^32', () => {
    const a = seededUniform(1);
    const b = seededUniform(2 ** 32 + 1);
    expect([a(), a()]).toEqual([b(), b()]);
  });
});

describe('bootstrapInterval', () => {
  it('equals the textbook bootstrap exactly (median and mean)', () => {
    for (const seed of [1, 7, 123456]) {
      const median = bootstrapInterval(DECODE, { seed, resamples: 500 });
      expect([median.low, median.high]).toEqual(naiveBootstrap(DECODE, 'median', 500, seed));
      const mean = bootstrapInterval(DECODE, { statistic: 'mean', seed, resamples: 500 });
      expect([mean.low, mean.high]).toEqual(naiveBootstrap(DECODE, 'mean', 500, seed));
    }
    // Odd and even sizes, 90% coverage.
    const odd = DECODE.slice(0, 7);
    const i = bootstrapInterval(odd, { confidence: 0.9, resamples: 301 });
    expect([i.low, i.high]).toEqual(naiveBootstrap(odd, 'median', 301, 1, 0.9));
  });

  it('reports the estimate, width and everything needed to reproduce it', () => {
    const i = bootstrapInterval([1, 2, 3, 4, 5]);
    expect(i.estimate).toBe(3);
    expect(i.statistic).toBe('median');
    expect(i.confidence).toBe(0.95);
    expect(i.resamples).toBe(2000);
    expect(i.seed).toBe(1);
    expect(i.n).toBe(5);
    expect(i.method).toBe('percentile bootstrap');
    expect(i.relativeWidth).toBe((i.high - i.low) / 3);
    expect(bootstrapInterval([1, 2, 3, 4, 6], { statistic: 'mean' }).estimate).toBe(3.2);
  });

  it('is hand-checkable on tiny samples', () => {
    // One value: every resample is that value.
    expect(bootstrapInterval([7])).toMatchObject({ estimate: 7, low: 7, high: 7, relativeWidth: 0 });
    expect(bootstrapInterval([5, 5, 5, 5], { statistic: 'mean' })).toMatchObject({ low: 5, high: 5 });
    // Two values a < b: resample medians are a, (a+b)/2, b with probabilities ¼, ½, ¼; with 2000 resamples
    // the 2.5% and 97.5% points of the bootstrap distribution are a and b.
    expect(bootstrapInterval([10, 20])).toMatchObject({ estimate: 15, low: 10, high: 20, relativeWidth: 10 / 15 });
  });

  it('is reproducible, seed-dependent and independent of sample order', () => {
    const a = bootstrapInterval(DECODE, { seed: 99 });
    expect(bootstrapInterval(DECODE, { seed: 99 })).toEqual(a);
    expect(bootstrapInterval([...DECODE].reverse(), { seed: 99 })).toEqual(a);
    const b = bootstrapInterval(DECODE, { seed: 100 });
    expect([b.low, b.high]).not.toEqual([a.low, a.high]);
    // Pinned values (default options: 2000 resamples, seed 1), equal to naiveBootstrap(DECODE, 'median',
    // 2000, 1): a change here changes every stored interval.
    const pinned = bootstrapInterval(DECODE);
    expect([pinned.low, pinned.high]).toEqual([218.1, 220.25]);
    expect(naiveBootstrap(DECODE, 'median', 2000, 1)).toEqual([218.1, 220.25]);
    const mean = bootstrapInterval(DECODE, { statistic: 'mean' });
    expect([mean.low, mean.high]).toEqual([215.6857142857143, 220.00714285714284]);
  });

  it('rejects empty samples, non-finite values and bad options', () => {
    expect(() => bootstrapInterval([])).toThrow(RangeError);
    expect(() => bootstrapInterval([1, Number.NaN])).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], { confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], { resamples: 0 })).toThrow(RangeError);
  });
});

describe('bootstrapRatioOfMedians', () => {
  it('equals the textbook bootstrap exactly', () => {
    const a = DECODE.map((x) => x * 1.07);
    const b = DECODE.slice(0, 11);
    const i = bootstrapRatioOfMedians(a, b, { resamples: 400, seed: 5 });
    const u = seededUniform(5);
    const sa = asc(a);
    const sb = asc(b);
    const draw = (s: number[]) => percentileSorted(asc(s.map(() => s[Math.floor(u() * s.length)]!)), 0.5);
    const dist: number[] = [];
    for (let r = 0; r < 400; r++) {
      const ma = draw(sa);
      const mb = draw(sb);
      dist.push(ma / mb);
    }
    const d = asc(dist);
    expect([i.low, i.high]).toEqual([percentileSorted(d, 0.025), percentileSorted(d, 0.975)]);
    expect(i.estimate).toBe(percentileSorted(sa, 0.5) / percentileSorted(sb, 0.5));
    expect(i.n).toEqual([14, 11]);
    expect(i.statistic).toBe('ratio of medians');
  });

  it('is hand-checkable on constant samples', () => {
    expect(bootstrapRatioOfMedians([4, 4, 4], [2, 2])).toMatchObject({ estimate: 2, low: 2, high: 2, relativeWidth: 0 });
  });

  it('rejects a zero median in the denominator', () => {
    expect(() => bootstrapRatioOfMedians([1, 2], [0, 0, 1])).toThrow(RangeError);
  });
});
