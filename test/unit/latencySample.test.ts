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
    expect(s.firstHandoverTokens).toBe(1);
  });

  it('a batched hand-over: decode figures count the tokens after the first hand-over, one gap per hand-over, none of 0 ms', () => {
    const s = latencySample(0, [{ tokenIds: [1, 2], time: 5 }, { tokenIds: [3, 4], time: 9 }, { tokenIds: [], time: 10 }, { tokenIds: [5], time: 12 }], 4);
    expect(s.ttftMs).toBe(5);
    expect(s.e2eMs).toBe(12);
    expect(s.firstHandoverTokens).toBe(2);
    // 3 tokens after the first hand-over, in the 7 ms after it.
    expect(s.tpotMs).toBeCloseTo(7 / 3, 12);
    expect(s.decodeTps).toBeCloseTo((3 / 7) * 1000, 12);
    expect(s.itlMs).toEqual([4, 3]);
    expect(s.tokenIds).toEqual([1, 2, 3, 4, 5]);
  });

  it('a cascade-like generation (16 held back, then a stream) decodes at the stream’s rate, not twice it', () => {
    const events = [{ tokenIds: Array.from({ length: 16 }, (_, i) => i), time: 32 }];
    for (let i = 1; i <= 16; i++) events.push({ tokenIds: [100 + i], time: 32 + 2 * i });
    const s = latencySample(0, events, 8);
    expect(s.decodeTps).toBe(500); // 16 tokens in 32 ms: one every 2 ms
    expect(s.tpotMs).toBe(2);
    expect(s.itlMs).toEqual(Array.from({ length: 16 }, () => 2));
    expect(s.firstHandoverTokens).toBe(16);
  });

  it('everything in one hand-over: no decode rate, no gaps', () => {
    const s = latencySample(0, [{ tokenIds: [1, 2, 3], time: 6 }], 2);
    expect([s.tpotMs, s.decodeTps, s.itlMs, s.firstHandoverTokens, s.e2eMs]).toEqual([null, null, [], 3, 6]);
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
