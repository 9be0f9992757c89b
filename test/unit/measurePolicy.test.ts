import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../harness/stats/bootstrapInterval.js';
import { createMeasurementPolicy } from '../../harness/stats/createMeasurementPolicy.js';

describe('createMeasurementPolicy', () => {
  it('fills in documented defaults', () => {
    expect(createMeasurementPolicy().options).toEqual({
      minRepetitions: 5,
      minSeconds: 1,
      maxRepetitions: 1000,
      maxSeconds: 60,
      targetRelativeWidth: 0.02,
      confidence: 0.95,
      resamples: 2000,
      seed: 1,
      recheckGrowth: 0.1,
    });
  });

  it('never stops before both minimums', () => {
    const policy = createMeasurementPolicy({ minRepetitions: 3, minSeconds: 2 });
    const steady = [100, 100, 100, 100];
    expect(policy.next({ repetitions: 2, elapsedSeconds: 5, values: steady.slice(0, 2) })).toMatchObject({ stop: false, reason: null });
    expect(policy.next({ repetitions: 3, elapsedSeconds: 1.5, values: steady.slice(0, 3) })).toMatchObject({ stop: false });
    // Identical values: the interval has width 0 ≤ 0.02.
    const d = policy.next({ repetitions: 4, elapsedSeconds: 2, values: steady });
    expect(d).toMatchObject({ stop: true, reason: 'target' });
    expect(d.interval).toMatchObject({ estimate: 100, low: 100, high: 100, relativeWidth: 0 });
  });

  it('stops at the minimums without a target or without values to judge', () => {
    const none = createMeasurementPolicy({ targetRelativeWidth: null, minRepetitions: 2, minSeconds: 0 });
    expect(none.next({ repetitions: 2, elapsedSeconds: 0.1, values: [1, 50] })).toEqual({ stop: true, reason: 'minimums', interval: null });
    const noValues = createMeasurementPolicy({ minRepetitions: 2, minSeconds: 0 });
    expect(noValues.next({ repetitions: 2, elapsedSeconds: 0.1, values: [] })).toMatchObject({ stop: true, reason: 'minimums' });
  });

  it('goes on while the interval of the median is too wide, and stops when it narrows', () => {
    const policy = createMeasurementPolicy({ minRepetitions: 2, minSeconds: 0, targetRelativeWidth: 0.05, resamples: 500 });
    const wide = [100, 120, 90, 110];
    const first = policy.next({ repetitions: 4, elapsedSeconds: 1, values: wide });
    const expected = bootstrapInterval(wide, { resamples: 500 });
    expect(first).toEqual({ stop: false, reason: null, interval: expected });
    expect(expected.relativeWidth!).toBeGreaterThan(0.05);
    const narrow = [...wide, 105, 105, 105, 105, 105, 105, 105, 105, 105, 105, 105, 105];
    const last = policy.next({ repetitions: narrow.length, elapsedSeconds: 2, values: narrow });
    expect(last.interval).toEqual(bootstrapInterval(narrow, { resamples: 500 }));
    expect(last.interval!.relativeWidth).toBe(0);
    expect(last).toMatchObject({ stop: true, reason: 'target' });
  });

  it('stops at the maximum count even before minSeconds, and at maxSeconds after the minimums', () => {
    const policy = createMeasurementPolicy({ minRepetitions: 2, maxRepetitions: 3, minSeconds: 10, maxSeconds: 20 });
    expect(policy.next({ repetitions: 3, elapsedSeconds: 1, values: [1, 2, 3] })).toMatchObject({ stop: true, reason: 'max-repetitions' });
    const timed = createMeasurementPolicy({ minRepetitions: 2, minSeconds: 1, maxSeconds: 5, resamples: 200 });
    expect(timed.next({ repetitions: 2, elapsedSeconds: 4, values: [1, 50] })).toMatchObject({ stop: false });
    expect(timed.next({ repetitions: 3, elapsedSeconds: 5, values: [1, 50, 100] })).toMatchObject({ stop: true, reason: 'max-seconds' });
  });

  it('re-evaluates the interval only after the values grew by max(1, ⌊n·recheckGrowth⌋)', () => {
    const policy = createMeasurementPolicy({ minRepetitions: 1, minSeconds: 0, recheckGrowth: 0.5, resamples: 100 });
    const values = Array.from({ length: 45 }, (_, i) => 100 + (i % 2) * 50);
    const evaluatedAt: number[] = [];
    let last = null;
    for (let n = 2; n <= 45; n++) {
      const d = policy.next({ repetitions: n, elapsedSeconds: n, values: values.slice(0, n) });
      if (d.interval !== last) evaluatedAt.push(d.interval!.n as number);
      last = d.interval;
    }
    // 2 → 3 (+1) → 4 (+1) → 6 (+2) → 9 (+3) → 13 (+4) → 19 (+6) → 28 (+9) → 42 (+14)
    expect(evaluatedAt).toEqual([2, 3, 4, 6, 9, 13, 19, 28, 42]);
  });

  it('rejects inconsistent options', () => {
    expect(() => createMeasurementPolicy({ minRepetitions: 5, maxRepetitions: 4 })).toThrow(RangeError);
    expect(() => createMeasurementPolicy({ minSeconds: 5, maxSeconds: 4 })).toThrow(RangeError);
    expect(() => createMeasurementPolicy({ targetRelativeWidth: 0 })).toThrow(RangeError);
  });
});
