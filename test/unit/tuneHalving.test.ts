/**
 * The halving step of `slmbench tune` (`chooseSurvivors`): the better half of the eligible candidates by
 * median goes on, best first, in the objective's direction; a winner only when its interval is clear of
 * every other eligible candidate's, or it is the only one; candidates that changed the outputs or failed
 * never survive.
 */
import { describe, expect, it } from 'vitest';
import { chooseSurvivors, type CandidateScore } from '../../harness/tune/chooseSurvivors.js';

const score = (key: string, median: number, low: number, high: number, eligible = true): CandidateScore => ({ key, median, ci: [low, high], eligible });

describe('chooseSurvivors', () => {
  it('keeps the better half, best first, and names no winner while intervals overlap', () => {
    const scores = [score('a', 200, 180, 220), score('b', 250, 210, 290), score('c', 100, 90, 110), score('d', 190, 150, 260), score('e', 300, 280, 320, false)];
    expect(chooseSurvivors(scores, true)).toEqual({ survivors: ['b', 'a'], winner: null });
    // Lower is better (TTFT): the other end, and c's interval is clear below every other's.
    expect(chooseSurvivors(scores, false)).toEqual({ survivors: ['c', 'd'], winner: 'c' });
  });

  it('names the winner when its interval is clear of every other eligible one, or it is alone', () => {
    expect(chooseSurvivors([score('a', 300, 280, 320), score('b', 200, 180, 279.9), score('x', 500, 490, 510, false)], true)).toEqual({ survivors: ['a'], winner: 'a' });
    expect(chooseSurvivors([score('a', 300, 280, 320), score('b', 200, 180, 280)], true).winner).toBeNull();
    expect(chooseSurvivors([score('a', 10, 5, 15)], true)).toEqual({ survivors: ['a'], winner: 'a' });
    expect(chooseSurvivors([score('a', 10, 5, 15, false)], true)).toEqual({ survivors: [], winner: null });
  });
});
