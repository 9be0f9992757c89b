import { describe, expect, it } from 'vitest';
import { latencySample } from '../../harness/trackers/latencySample.js';

describe('latencySample', () => {
  it('computes TTFT, E2E, TPOT, ITL, prefill and decode rates from token events', () => {
    const s = latencySample(100, [
      { tokenIds: [7], time: 110 },
      { tokenIds: [8], time: 112 },
      { tokenIds: [9], time: 116 },
    ], 20);
    expect(s.ttftMs).toBe(10);
    expect(s.e2eMs).toBe(16);
    expect(s.tpotMs).toBe(3);
    expect(s.itlMs).toEqual([2, 4]);
    expect(s.prefillTps).toBe(2000);
    expect(s.decodeTps).toBeCloseTo(2 / 6 * 1000, 12);
    expect(s.tokenIds).toEqual([7, 8, 9]);
  });

  it('gives each token of a batched hand-over the hand-over time', () => {
    const s = latencySample(0, [{ tokenIds: [1, 2], time: 5 }, { tokenIds: [3, 4], time: 9 }], 4);
    expect(s.itlMs).toEqual([0, 4, 0]);
    expect(s.tpotMs).toBeCloseTo(4 / 3, 12);
  });

  it('has no decode rate for a single token', () => {
    const s = latencySample(0, [{ tokenIds: [1], time: 4 }], 8);
    expect(s.tpotMs).toBeNull();
    expect(s.decodeTps).toBeNull();
    expect(s.itlMs).toEqual([]);
  });

  it('rejects a generation without tokens', () => {
    expect(() => latencySample(0, [], 1)).toThrow();
  });
});
