import { describe, expect, it } from 'vitest';
import { decideWarmup } from '../../harness/stats/decideWarmup.js';
import { splitColdRepetition } from '../../harness/stats/splitColdRepetition.js';
import { tukeyOutliers } from '../../harness/stats/tukeyOutliers.js';

describe('tukeyOutliers', () => {
  it('reports values outside Q1 − 1.5·IQR and Q3 + 1.5·IQR with their indices, keeping the sample', () => {
    const xs = [10, 12, 11, 30, 13, 12, 11, 1];
    // Sorted: 1 10 11 11 12 12 13 30; type 7: Q1 at h = 1.75 → 10.75, Q3 at h = 5.25 → 12.25; IQR 1.5.
    const r = tukeyOutliers(xs)!;
    expect(r).toEqual({
      q1: 10.75,
      q3: 12.25,
      iqr: 1.5,
      lowerFence: 8.5,
      upperFence: 14.5,
      k: 1.5,
      outliers: [
        { index: 3, value: 30, side: 'high' },
        { index: 7, value: 1, side: 'low' },
      ],
    });
    expect(xs).toEqual([10, 12, 11, 30, 13, 12, 11, 1]);
  });

  it('uses strict fences and a configurable distance', () => {
    // 1 2 3 4 5: Q1 2, Q3 4, IQR 2; k = 1 → fences 0 and 6 exactly: nothing outside.
    expect(tukeyOutliers([1, 2, 3, 4, 5], { k: 1 })!.outliers).toEqual([]);
    expect(tukeyOutliers([1, 2, 3, 4, 5, 6.5], { k: 1 })!.upperFence).toBe(4.75 + 2.5);
    expect(tukeyOutliers([4, 4, 4, 4, 5])!.outliers).toEqual([{ index: 4, value: 5, side: 'high' }]);
    expect(tukeyOutliers([])).toBeNull();
    expect(() => tukeyOutliers([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('splitColdRepetition', () => {
  it('splits off the first repetition', () => {
    expect(splitColdRepetition([50, 20, 21])).toEqual({ cold: 50, rest: [20, 21] });
    expect(splitColdRepetition(['a'])).toEqual({ cold: 'a', rest: [] });
    expect(splitColdRepetition([])).toEqual({ cold: null, rest: [] });
  });
});

describe('decideWarmup', () => {
  it('runs a fixed count (default: 1)', () => {
    expect(decideWarmup([])).toEqual({ done: false, reason: null, spread: null });
    expect(decideWarmup([90])).toEqual({ done: true, reason: 'count', spread: null });
    expect(decideWarmup([], { mode: 'fixed', count: 0 })).toMatchObject({ done: true, reason: 'count' });
    expect(decideWarmup([90, 30], { mode: 'fixed', count: 3 }).done).toBe(false);
  });

  it('stops once the last three times agree within 5%', () => {
    const policy = { mode: 'stable' } as const;
    expect(decideWarmup([300, 110], policy)).toEqual({ done: false, reason: null, spread: null });
    // 300, 110, 100: spread (300 − 100)/100 = 2.
    expect(decideWarmup([300, 110, 100], policy)).toEqual({ done: false, reason: null, spread: 2 });
    // 110, 100, 104: spread 0.1 > 0.05.
    expect(decideWarmup([300, 110, 100, 104], policy).done).toBe(false);
    // 100, 104, 102: spread 0.04.
    const d = decideWarmup([300, 110, 100, 104, 102], policy);
    expect(d.done).toBe(true);
    expect(d.reason).toBe('stable');
    expect(d.spread).toBeCloseTo(0.04, 15);
  });

  it('gives up at maxRuns and honours minRuns and the window', () => {
    const noisy = [100, 150, 100, 150, 100, 150];
    expect(decideWarmup(noisy.slice(0, 5), { mode: 'stable', maxRuns: 6 }).done).toBe(false);
    expect(decideWarmup(noisy, { mode: 'stable', maxRuns: 6 })).toEqual({ done: true, reason: 'max', spread: 0.5 });
    expect(decideWarmup([100, 100, 100], { mode: 'stable', minRuns: 4 }).done).toBe(false);
    expect(decideWarmup([100, 100, 100, 100], { mode: 'stable', minRuns: 4 }).reason).toBe('stable');
    expect(decideWarmup([100, 101], { mode: 'stable', window: 2, relativeTolerance: 0.01 }).reason).toBe('stable');
    expect(decideWarmup([], { mode: 'stable', maxRuns: 0, minRuns: 0 }).reason).toBe('max');
    expect(() => decideWarmup([], { mode: 'stable', window: 1 })).toThrow(RangeError);
    expect(() => decideWarmup([-1])).toThrow(RangeError);
  });
});
