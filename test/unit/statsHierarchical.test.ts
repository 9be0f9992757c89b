import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../harness/stats/bootstrapInterval.js';
import { fewProcessesFactor, hierarchicalBootstrapMedian } from '../../harness/stats/hierarchicalBootstrapMedian.js';
import { measuredStats } from '../../harness/stats/measuredStats.js';

describe('hierarchicalBootstrapMedian', () => {
  it('is a pure function of its seed and reports the median of all samples', () => {
    const groups = [[10, 11, 12, 13], [20, 21, 22], [15, 16]];
    const a = hierarchicalBootstrapMedian(groups, { seed: 7 });
    const b = hierarchicalBootstrapMedian(groups, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.estimate).toBe(15);
    expect(a.n).toBe(9);
    expect(a.method).toBe('two-stage percentile bootstrap (processes, then repetitions), widened for few processes');
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
  });

  it('collapses to a point when every value is the same', () => {
    const i = hierarchicalBootstrapMedian([[5, 5], [5, 5, 5]]);
    expect([i.low, i.high]).toEqual([5, 5]);
  });

  it('covers the spread between processes that a plain bootstrap over repetitions hides', () => {
    // Two processes whose repetitions agree closely within each, but whose levels differ by 10%.
    const p1 = Array.from({ length: 70 }, (_, i) => 100 + (i % 5) * 0.1);
    const p2 = Array.from({ length: 30 }, (_, i) => 110 + (i % 5) * 0.1);
    const plain = bootstrapInterval([...p1, ...p2], { statistic: 'median' });
    const twoStage = hierarchicalBootstrapMedian([p1, p2]);
    expect(twoStage.high - twoStage.low).toBeGreaterThan(5 * (plain.high - plain.low));
    expect(twoStage.low).toBeLessThanOrEqual(100.5);
    expect(twoStage.high).toBeGreaterThanOrEqual(109.5);
  });

  it('widens the bootstrap interval about the estimate by the few-processes factor, never below 0 for non-negative data', () => {
    expect(fewProcessesFactor(1)).toBe(1);
    expect(fewProcessesFactor(2)).toBeCloseTo((12.706204736 / 1.959963985) * Math.SQRT2, 4);
    expect(fewProcessesFactor(3)).toBeCloseTo((4.302652730 / 1.959963985) * Math.sqrt(1.5), 5);
    expect(fewProcessesFactor(10)).toBeCloseTo((2.262157163 / 1.959963985) * Math.sqrt(10 / 9), 5);
    const groups = [[10, 11, 12, 13], [20, 21, 22], [15, 16]];
    const widened = hierarchicalBootstrapMedian(groups, { seed: 7 });
    const raw = hierarchicalBootstrapMedian(groups, { seed: 7, fewProcessesCorrection: false });
    expect(raw.method).toBe('two-stage percentile bootstrap (processes, then repetitions)');
    const factor = fewProcessesFactor(3);
    expect(widened.estimate).toBe(raw.estimate);
    expect(widened.low).toBe(raw.estimate - factor * (raw.estimate - raw.low));
    expect(widened.high).toBe(raw.estimate + factor * (raw.high - raw.estimate));
    expect(widened.high - widened.low).toBeGreaterThan(2 * (raw.high - raw.low));
    // Two processes far apart: the lower bound would go negative; rates cannot.
    const clamped = hierarchicalBootstrapMedian([[1, 1, 1], [100, 100, 100]]);
    expect(clamped.low).toBe(0);
  });

  it('refuses no samples and non-finite ones', () => {
    expect(() => hierarchicalBootstrapMedian([[], []])).toThrow(RangeError);
    expect(() => hierarchicalBootstrapMedian([[1, Number.NaN]])).toThrow(RangeError);
  });
});

describe('measuredStats over processes', () => {
  it('leaves out each process\'s first (cold) repetition and indexes outliers into all samples', () => {
    const s = measuredStats([[50, 10, 11, 12, 10], [40, 11, 10, 12, 100]])!;
    expect(s.cold).toBe(50);
    expect(s.n).toBe(8);
    expect(s.median).toBe(11);
    // 100 is the last sample of the second process: index 9 of the concatenated samples.
    expect(s.outliers).toEqual([9]);
  });

  it('with one process is the plain bootstrap of the repetitions after the first', () => {
    const s = measuredStats([[9, 1, 2, 3, 4]])!;
    const plain = bootstrapInterval([1, 2, 3, 4], { statistic: 'median' });
    expect(s.medianCi95).toEqual([plain.low, plain.high]);
    expect(s.cold).toBe(9);
  });
});
