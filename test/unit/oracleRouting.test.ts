import { describe, expect, it } from 'vitest';
import { oracleRouting } from '../../harness/oracle/oracleRouting.js';

const rows = (scores: number[]) => new Map(scores.map((s, i) => [i, s]));

describe('oracleRouting', () => {
  it('per-row best from the earliest stage that has it; the bound escalates the largest gains first', () => {
    // Rows 0..5. Stage 0 right on 0, 1, 4; stage 1 right on 1, 2, 3; stage 2 right on 3, 5.
    const stages = [
      { name: 's0', scores: rows([1, 1, 0, 0, 1, 0]) },
      { name: 's1', scores: rows([0, 1, 1, 1, 0, 0]) },
      { name: 's2', scores: rows([0, 0, 0, 1, 0, 1]) },
    ];
    // The cascade escalated rows 2 and 4 (to stage 1): right on 0, 1, 2.
    const routed = new Map([0, 1, 2, 3, 4, 5].map((row) => [row, { stage: row === 2 || row === 4 ? 1 : 0, score: [1, 1, 1, 0, 0, 0][row]! }]));
    const o = oracleRouting('t', 'acc', stages, routed);
    expect(o.rows).toBe(6);
    expect(o.stages).toEqual([
      { name: 's0', score: 3 / 6 },
      { name: 's1', score: 3 / 6 },
      { name: 's2', score: 2 / 6 },
    ]);
    expect(o.cascade).toEqual({ score: 3 / 6, escalationRate: 2 / 6 });
    // Every row has a right answer somewhere; rows 2, 3 (stage 1) and 5 (stage 2) need a later stage.
    expect(o.oracle).toEqual({ score: 1, escalationRate: 3 / 6, shares: [3 / 6, 2 / 6, 1 / 6] });
    // Gains of the best later stage over stage 0: rows 2, 3, 5 gain 1; rows 0, 4 lose 1; row 1 none.
    const expected = [
      [0, 3 / 6],
      [1 / 6, 4 / 6],
      [2 / 6, 5 / 6],
      [3 / 6, 1],
      [4 / 6, 1],
      [5 / 6, 1],
      [1, 1],
    ];
    expect(o.bound).toHaveLength(expected.length);
    o.bound.forEach((p, i) => {
      expect(p.escalationRate).toBe(expected[i]![0]);
      expect(p.score).toBeCloseTo(expected[i]![1]!, 15);
    });
    expect(o.boundAtCascadeRate).toBeCloseTo(5 / 6, 15);
    expect(o.headroom).toBeCloseTo(5 / 6 - 3 / 6, 15);
  });

  it('only rows every stage answered count; more than 100 rows give 101 points with both ends', () => {
    const n = 250;
    const s0 = rows(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)));
    const s1 = rows(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)));
    s1.delete(7);
    const routed = new Map(Array.from({ length: n }, (_, i) => [i, { stage: 0, score: s0.get(i)! }]));
    const o = oracleRouting('t', 'acc', [{ name: 'a', scores: s0 }, { name: 'b', scores: s1 }], routed);
    expect(o.rows).toBe(n - 1);
    expect(o.bound).toHaveLength(101);
    expect(o.bound[0]!.escalationRate).toBe(0);
    expect(o.bound[100]!.escalationRate).toBe(1);
    expect(o.bound[100]!.score).toBeCloseTo(o.oracle.score, 15);
    expect(() => oracleRouting('t', 'acc', [{ name: 'a', scores: s0 }], routed)).toThrow(RangeError);
  });
});
