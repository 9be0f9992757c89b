import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../harness/stats/bootstrapInterval.js';
import { summarize } from '../../harness/stats/summarize.js';
import { summarizeMeasured } from '../../harness/stats/summarizeMeasured.js';

describe('summarizeMeasured', () => {
  it('reports the cold repetition apart and flags outliers by their index in the full sample', () => {
    const samples = [95, 210, 212, 211, 150, 213, 209, 212];
    const s = summarizeMeasured(samples);
    const rest = samples.slice(1);
    expect(s.cold).toBe(95);
    expect(s.statsFrom).toBe(1);
    expect(s.stats).toEqual(summarize(rest));
    expect(s.medianCi).toEqual(bootstrapInterval(rest));
    // rest sorted: 150 209 210 211 212 212 213 → Q1 209.5, Q3 212, IQR 2.5, fences 205.75 and 215.75.
    expect(s.outliers).toMatchObject({ q1: 209.5, q3: 212, lowerFence: 205.75, upperFence: 215.75 });
    expect(s.outliers!.outliers).toEqual([{ index: 4, value: 150, side: 'low' }]);
  });

  it('keeps a single sample, or every sample when asked', () => {
    expect(summarizeMeasured([7])).toMatchObject({ cold: null, statsFrom: 0, stats: { n: 1, median: 7 } });
    const all = summarizeMeasured([1, 2, 3], { separateCold: false, bootstrap: { resamples: 10, seed: 3 } });
    expect(all).toMatchObject({ cold: null, statsFrom: 0, stats: { n: 3 } });
    expect(all.medianCi).toEqual(bootstrapInterval([1, 2, 3], { resamples: 10, seed: 3 }));
    expect(summarizeMeasured([])).toEqual({ cold: null, stats: null, statsFrom: 0, medianCi: null, outliers: null });
  });
});
