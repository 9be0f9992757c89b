import { describe, expect, it } from 'vitest';
import { percentileSorted, summarize } from '../../harness/stats/summarize.js';
import { studentTCdf, studentTQuantile } from '../../harness/stats/studentTQuantile.js';

describe('studentTQuantile', () => {
  // Reference values: scipy.stats.t.ppf.
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 4, 2.7764451051977934],
    [0.975, 30, 2.0422724563012378],
    [0.975, 1000, 1.9623390808264083],
    [0.995, 9, 3.249835541592126],
  ])('t(%f, df=%i) = %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 9);
  });

  it('is symmetric and inverts the CDF', () => {
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTCdf(studentTQuantile(0.9, 5), 5)).toBeCloseTo(0.9, 10);
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('percentileSorted (type 7, linear interpolation)', () => {
  it('matches numpy.percentile on fixed samples', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(percentileSorted(xs, 0.5)).toBe(3);
    expect(percentileSorted(xs, 0.9)).toBeCloseTo(4.6, 12);
    expect(percentileSorted(xs, 0.99)).toBeCloseTo(4.96, 12);
    expect(percentileSorted([10, 20], 0.25)).toBe(12.5);
    expect(percentileSorted([7], 0.99)).toBe(7);
  });
});

describe('summarize', () => {
  it('gives every field exactly on a fixed sample', () => {
    const s = summarize([5, 1, 4, 2, 3])!;
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.median).toBe(3);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(s.stdev).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 14);
    expect(s.p90).toBeCloseTo(4.6, 12);
    expect(s.p99).toBeCloseTo(4.96, 12);
    const half = 2.7764451051977934 * (Math.sqrt(2.5) / Math.sqrt(5));
    expect(s.ci95![0]).toBeCloseTo(3 - half, 9);
    expect(s.ci95![1]).toBeCloseTo(3 + half, 9);
  });

  it('has no spread or interval for one sample', () => {
    expect(summarize([42])).toEqual({
      n: 1, mean: 42, median: 42, stdev: null, cv: null, min: 42, max: 42, p90: 42, p99: 42, ci95: null,
    });
  });

  it('returns null for no samples and rejects non-finite ones', () => {
    expect(summarize([])).toBeNull();
    expect(() => summarize([1, Number.NaN])).toThrow(RangeError);
  });

  it('does not reorder the caller\'s array', () => {
    const xs = [3, 1, 2];
    summarize(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});
