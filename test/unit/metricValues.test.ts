/** Exact values of the metric functions on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { bootstrapStderr } from '../../harness/stats/bootstrapStderr.js';
import { containsMatch } from '../../suites/metrics/containsMatch.js';
import { exactMatch } from '../../suites/metrics/exactMatch.js';
import { extractAnswer } from '../../suites/metrics/extractAnswer.js';
import { multipleChoiceMetrics } from '../../suites/metrics/multipleChoiceMetrics.js';
import { normalizeAnswer } from '../../suites/metrics/normalizeAnswer.js';
import { countWords, perplexityMetrics } from '../../suites/metrics/perplexityMetrics.js';
import { rollingWindows } from '../../suites/metrics/rollingWindows.js';
import { lcsLength, rougeL, rougeTokens } from '../../suites/metrics/rougeL.js';
import { squadTokens, tokenF1 } from '../../suites/metrics/tokenF1.js';

describe('multiple choice', () => {
  it('acc and acc_norm disagree when a long choice has the lower total but higher per-byte log-likelihood', () => {
    // Choice 0: ll −4 over 2 bytes (−2/byte); choice 1: ll −6 over 10 bytes (−0.6/byte); gold is 1.
    expect(multipleChoiceMetrics([-4, -6], [2, 10], 1)).toEqual({ acc: 0, accNorm: 1, predicted: 0, predictedNorm: 1 });
    expect(multipleChoiceMetrics([-4, -6], [2, 10], 0)).toEqual({ acc: 1, accNorm: 0, predicted: 0, predictedNorm: 1 });
  });
  it('ties go to the first choice (numpy argmax)', () => {
    expect(multipleChoiceMetrics([-1, -1, -3], [1, 1, 1], 1)).toEqual({ acc: 0, accNorm: 0, predicted: 0, predictedNorm: 0 });
  });
});

describe('generation metrics', () => {
  it('ROUGE-L F against hand-computed LCS', () => {
    expect(rougeTokens('The cat, sat!')).toEqual(['the', 'cat', 'sat']);
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'e'])).toBe(2);
    // LCS "the cat on the mat" = 5 of 6 tokens each side: P = R = 5/6.
    expect(rougeL('the cat sat on the mat', ['the cat is on the mat'])).toBe((2 * (5 / 6) * (5 / 6)) / (5 / 6 + 5 / 6));
    // P = 2/4, R = 2/3 → F = 4/7.
    expect(rougeL('a b c d', ['a c e'])).toBeCloseTo(4 / 7, 15);
    expect(rougeL('x y', ['a c e', 'x'])).toBeCloseTo(2 / 3, 15); // best reference: P = 1/2, R = 1
    expect(rougeL('', ['a'])).toBe(0);
  });
  it('token F1 (SQuAD) against hand-computed overlap', () => {
    expect(squadTokens('The Cat, sat.')).toEqual(['cat', 'sat']);
    // p = [cat, sat], r = [cat, sat, down]: P = 1, R = 2/3 → F1 = 0.8.
    expect(tokenF1('The cat sat', ['a cat sat down'])).toBeCloseTo(0.8, 15);
    expect(tokenF1('blue', ['Blue.'])).toBe(1);
    expect(tokenF1('red', ['blue'])).toBe(0);
    expect(tokenF1('the', ['a'])).toBe(1); // both empty after removing articles
    expect(tokenF1('the cat', ['a'])).toBe(0);
  });
  it('exact_match with lm-evaluation-harness gsm8k normalisation', () => {
    const normalize = { ignoreCase: true, regexesToIgnore: [',', '\\$', '[\\s\\S]*#### ', '\\.$'] };
    expect(exactMatch('18', ['Janet sells 16 - 3 - 4 = 9 duck eggs.\nShe makes $18.\n#### 18'], normalize)).toBe(1);
    expect(exactMatch('$1,000.', ['#### 1000'], normalize)).toBe(1);
    expect(exactMatch('1001', ['#### 1000'], normalize)).toBe(0);
    expect(exactMatch(' Blue', ['blue'])).toBe(0);
    expect(exactMatch(' Blue', ['blue'], { ignoreCase: true })).toBe(1);
    expect(exactMatch(' Blue', ['blue'], { ignoreCase: true, trim: false })).toBe(0);
    expect(normalizeAnswer('Hello, World!', { ignorePunctuation: true, ignoreCase: true })).toBe('hello world');
  });
  it('contains', () => {
    expect(containsMatch(' The sky is blue today', ['blue'])).toBe(1);
    expect(containsMatch(' The sky is Blue', ['blue'])).toBe(0);
    expect(containsMatch(' The sky is Blue', ['blue'], { ignoreCase: true })).toBe(1);
    expect(containsMatch('green', ['blue', 'green'])).toBe(1);
  });
  it('regex extraction like lm-evaluation-harness strict-match and flexible-extract', () => {
    expect(extractAnswer('So she makes 18.\n#### 18', { regex: '#### (\\-?[0-9\\.\\,]+)' })).toBe('18');
    expect(extractAnswer('no marker here', { regex: '#### (\\-?[0-9\\.\\,]+)' })).toBe('[invalid]');
    const flexible = { regex: '(-?[$0-9.,]{2,})|(-?[0-9]+)', select: 'last' as const };
    expect(extractAnswer('The answer is 5 apples and 12 pears.', flexible)).toBe('12');
    expect(extractAnswer('It costs $3.50 in all', flexible)).toBe('$3.50');
    expect(extractAnswer('a1 b2 c3', { regex: '[0-9]', select: -2 })).toBe('2');
    expect(extractAnswer('nothing', { regex: '[0-9]', fallback: '' })).toBe('');
  });
});

describe('perplexity', () => {
  it('corpus-level metrics weight documents by size', () => {
    const m = perplexityMetrics([
      { logLikelihood: -10, tokens: 5, words: 2, bytes: 10 },
      { logLikelihood: -6, tokens: 3, words: 2, bytes: 6 },
    ]);
    expect(m.nll_per_token).toBe(2);
    expect(m.token_perplexity).toBe(Math.exp(2));
    expect(m.word_perplexity).toBe(Math.exp(4));
    expect(m.byte_perplexity).toBe(Math.exp(1));
    expect(m.bits_per_byte).toBe(1 / Math.LN2);
  });
  it('counts words as re.split(r"\\s+", text)', () => {
    expect(countWords('a  b\nc')).toBe(3);
    expect(countWords(' a')).toBe(2);
    expect(countWords('one')).toBe(1);
  });
  it('rolling windows predict every token once (lm-evaluation-harness, disjoint)', () => {
    const tokens = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(rollingWindows(tokens, 0, 4)).toEqual([
      { context: [0], targets: [11, 12, 13, 14] },
      { context: [14], targets: [15, 16, 17, 18] },
      { context: [16, 17, 18], targets: [19, 20] },
    ]);
  });
  it('rolling windows with a stride keep maxSeqLen − stride + 1 tokens of context', () => {
    const tokens = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(rollingWindows(tokens, 0, 4, 2)).toEqual([
      { context: [0], targets: [11, 12, 13, 14] },
      { context: [12, 13, 14], targets: [15, 16] },
      { context: [14, 15, 16], targets: [17, 18] },
      { context: [16, 17, 18], targets: [19, 20] },
    ]);
    expect(rollingWindows([5, 6], 1, 4)).toEqual([{ context: [1], targets: [5, 6] }]);
    expect(rollingWindows([], 1, 4)).toEqual([]);
    expect(() => rollingWindows(tokens, 0, 4, 5)).toThrow(/stride/);
  });
});

describe('bootstrap standard error', () => {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  it('is null below two samples and 0 for constant samples', () => {
    expect(bootstrapStderr([1], mean)).toBeNull();
    expect(bootstrapStderr([], mean)).toBeNull();
    expect(bootstrapStderr([1, 1, 1, 1], mean)).toBe(0);
  });
  it('is reproducible for a seed and differs between seeds', () => {
    const xs = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const a = bootstrapStderr(xs, mean, { seed: 7 });
    expect(bootstrapStderr(xs, mean, { seed: 7 })).toBe(a);
    expect(bootstrapStderr(xs, mean, { seed: 8 })).not.toBe(a);
  });
  it('approaches the analytic standard error of a mean', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i % 2);
    // sqrt(p(1−p)/n) = 0.05.
    expect(bootstrapStderr(xs, mean, { iterations: 4000 })!).toBeCloseTo(0.05, 2);
  });
});
