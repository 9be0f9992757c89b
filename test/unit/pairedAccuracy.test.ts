/**
 * Paired comparisons of accuracy: the exact McNemar test, the paired bootstrap of per-item differences in
 * compareMetric, and the gate on `quality.<task>.<metric>: drop <= 2%` (fails on a drop with a paired test
 * that says so, passes on identical entries) and on a bound (`fidelity.klMean <= X`).
 */
import { describe, expect, it } from 'vitest';
import { compareMetric } from '../../harness/compare/compareMetric.js';
import { readMetric } from '../../harness/compare/readMetric.js';
import { evaluateGate } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { bootstrapInterval } from '../../harness/stats/bootstrapInterval.js';
import { mcnemarExact } from '../../harness/stats/mcnemarExact.js';
import { entry, loaded, result, type EntrySpec } from './gateFixtures.js';

describe('mcnemarExact', () => {
  it('gives the exact binomial tail of the discordant pairs', () => {
    expect(mcnemarExact(0, 0)).toEqual({ n: 0, oneSided: 1, twoSided: 1 });
    const five = mcnemarExact(5, 0);
    expect(five.oneSided).toBeCloseTo(1 / 32, 15);
    expect(five.twoSided).toBeCloseTo(2 / 32, 15);
    // P(X ≥ 10 | n = 12, ½) = (C(12,10) + C(12,11) + C(12,12)) / 2^12 = 79 / 4096.
    const twelve = mcnemarExact(10, 2);
    expect(twelve.oneSided).toBeCloseTo(79 / 4096, 14);
    expect(twelve.twoSided).toBeCloseTo(158 / 4096, 14);
    // Fewer worse than better: the one-sided p of "worse" is large, P(X ≥ 2 | 12) = 1 − 13/4096.
    expect(mcnemarExact(2, 10).oneSided).toBeCloseTo(1 - 13 / 4096, 14);
    expect(mcnemarExact(2, 10).twoSided).toBeCloseTo(158 / 4096, 14);
    // Balanced and large: two-sided 1, one-sided just above ½.
    expect(mcnemarExact(500, 500).twoSided).toBe(1);
    expect(mcnemarExact(500, 500).oneSided).toBeGreaterThan(0.5);
    expect(mcnemarExact(500, 500).oneSided).toBeLessThan(0.52);
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
  });
});

/** 400 items: the baseline right on the first 240; the current run loses `lost` of them and gains `gained` of the rest. */
function scores(lost: number, gained: number): { base: number[]; cur: number[] } {
  const base = Array.from({ length: 400 }, (_, i) => (i < 240 ? 1 : 0));
  const cur = base.map((s, i) => (i < lost ? 0 : i >= 240 && i < 240 + gained ? 1 : s));
  return { base, cur };
}

const rows = Array.from({ length: 400 }, (_, i) => i);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function accEntry(model: string, s: number[], quant: string): EntrySpec {
  const value = mean(s);
  return {
    model,
    samples: { decodeTps: [100, 101, 102] },
    quality: { arc_easy: { acc: { value, stderr: Math.sqrt((value * (1 - value)) / 400), n: 400, higherIsBetter: true } } },
    rowScores: { arc_easy: { rows, scores: { acc: s } } },
    options: { threads: 1, quant },
  };
}

describe('compareMetric on per-item scores', () => {
  it('pairs the items: exact McNemar on the discordant ones, a bootstrap interval of the mean difference', () => {
    const { base, cur } = scores(30, 5);
    const a = readMetric(entry(accEntry('m', base, 'F32')), 'metrics.quality.arc_easy.acc')!;
    const b = readMetric(entry(accEntry('m', cur, 'Q4_0')), 'metrics.quality.arc_easy.acc')!;
    expect(a.kind === 'estimate' && a.items?.scores).toEqual(base);
    const c = compareMetric(a, b, { direction: 'higher', alternative: 'regression', seed: 7, resamples: 500 });
    expect(c.method).toBe('mcnemar');
    expect(c.paired).toEqual({ items: 400, discordant: { worse: 30, better: 5 } });
    expect(c.pValue).toBe(mcnemarExact(30, 5).oneSided);
    expect(c.significant).toBe(true);
    expect(c.change).toBe('worse');
    const diffs = cur.map((x, i) => x - base[i]!);
    const interval = bootstrapInterval(diffs, { statistic: 'mean', confidence: 0.9, resamples: 500, seed: 7 });
    expect(c.interval).toEqual({ of: 'difference', low: interval.low, high: interval.high, confidence: 0.9 });
    expect(c.difference).toBeCloseTo(-25 / 400, 15);
    // Two-sided, the other way round: better.
    const back = compareMetric(b, a, { direction: 'higher' });
    expect([back.method, back.change, back.pValue]).toEqual(['mcnemar', 'better', mcnemarExact(5, 30).twoSided]);
  });

  it('tests scores that are not 0/1 by the paired interval alone', () => {
    const base = rows.map((i) => (i % 5) / 4);
    const cur = base.map((s, i) => (i % 3 === 0 ? Math.max(0, s - 0.25) : s));
    const make = (s: number[]) => readMetric(entry({ ...accEntry('m', s, 'x'), quality: { arc_easy: { acc: { value: mean(s), stderr: 0.01, n: 400 } } } }), 'metrics.quality.arc_easy.acc')!;
    const c = compareMetric(make(base), make(cur), { direction: 'higher', alternative: 'regression' });
    expect(c.method).toBe('paired-bootstrap');
    expect(c.pValue).toBeNull();
    expect(c.paired).toEqual({ items: 400, discordant: null });
    expect(c.interval!.high).toBeLessThan(0);
    expect(c.significant).toBe(true);
  });

  it('does not pair different rows: the z-test, saying why', () => {
    const { base, cur } = scores(30, 5);
    const a = readMetric(entry(accEntry('m', base, 'F32')), 'metrics.quality.arc_easy.acc')!;
    const shifted = entry({ ...accEntry('m', cur, 'Q4_0'), rowScores: { arc_easy: { rows: rows.map((r) => r + 1), scores: { acc: cur } } } });
    const c = compareMetric(a, readMetric(shifted, 'metrics.quality.arc_easy.acc')!, { direction: 'higher' });
    expect(c.method).toBe('z-test');
    expect(c.note).toBe('not paired: the two runs scored different rows');
  });
});

describe('gate on accuracy and fidelity', () => {
  const gate = (base: EntrySpec, cur: EntrySpec, rules: string[]) =>
    evaluateGate(loaded(result([entry(base)]), 'f32.json'), loaded(result([entry(cur)]), 'q4.json'), {
      rules: rules.map((r) => parseGateRule(r)),
      match: ['backend', 'workload'],
    });

  it('drop <= 2% fails on a Q4_0 entry whose accuracy fell by more, with the paired test that says so', () => {
    const { base, cur } = scores(30, 5);
    const report = gate(accEntry('f32', base, 'F32'), accEntry('q4', cur, 'Q4_0'), ['quality.arc_easy.acc: drop <= 2%']);
    const v = report.verdicts.find((x) => x.metric === 'metrics.quality.arc_easy.acc')!;
    expect(v.rule).toBe('quality.arc_easy.acc: drop <= 2%');
    expect(v.limits).toEqual({ warn: null, fail: '-2%' });
    expect(v.verdict).toBe('fail');
    // 0.6 → 0.5375: −10.4%; P(X ≥ 30 | 35, ½) = (C(35,30) + … + C(35,35)) / 2^35 = 384,168 / 2^35 = 1.1e-5.
    expect(v.comparison!.pValue).toBeCloseTo(384_168 / 2 ** 35, 18);
    expect(v.reason).toBe('−10.4% passes the fail limit -2%; exact McNemar over 400 paired items (30 worse, 5 better) p = 0.000011 ≤ α = 0.05');
    expect(report.verdict).toBe('fail');
  });

  it('passes the same data with the entries swapped for identical ones', () => {
    const { base } = scores(0, 0);
    const report = gate(accEntry('f32', base, 'F32'), accEntry('q4', [...base], 'Q4_0'), ['quality.arc_easy.acc: drop <= 2%']);
    const v = report.verdicts.find((x) => x.metric === 'metrics.quality.arc_easy.acc')!;
    expect(v.comparison!.paired).toEqual({ items: 400, discordant: { worse: 0, better: 0 } });
    expect(v.verdict).toBe('pass');
    expect(v.reason).toBe('0%; not a significant worsening (exact McNemar over 400 paired items (0 worse, 0 better) p = 1.0 > α = 0.05)');
  });

  it('a drop past the limit that the paired test cannot tell from chance is inconclusive, not a failure', () => {
    // 7 items lost, 2 gained: 240 → 235 right, −2.08%; P(X ≥ 7 | 9, ½) = 46/512 = 0.0898 > α.
    const { base, cur } = scores(7, 2);
    const v = gate(accEntry('f32', base, 'F32'), accEntry('q4', cur, 'Q4_0'), ['acc: drop <= 2%']).verdicts.find((x) => x.metric === 'metrics.quality.arc_easy.acc')!;
    expect(v.comparison!.pValue).toBeCloseTo(46 / 512, 14);
    expect(v.comparison!.significant).toBe(false);
    expect(v.verdict).toBe('warn');
    expect(v.reason).toMatch(/^−2\.08% passes the fail limit -2%, but the interval reaches no change \(exact McNemar over 400 paired items \(7 worse, 2 better\) p = 0\.090 > α = 0\.05\): inconclusive/);
  });

  it('a bound judges the current value alone: fidelity.klMean <= 0.01', () => {
    const make = (kl: number) => {
      const e = entry({ samples: { decodeTps: [100, 101, 102] } });
      (e as unknown as { metrics: Record<string, unknown> }).metrics.fidelity = { klMean: kl, top1Agreement: 1 };
      return e;
    };
    const run = (kl: number) =>
      evaluateGate(loaded(result([make(0)]), 'f32.json'), loaded(result([make(kl)]), 'q4.json'), { rules: [parseGateRule('fidelity.klMean <= 0.01')] }).verdicts.find(
        (v) => v.metric === 'metrics.fidelity.klMean',
      )!;
    expect([run(0.002).verdict, run(0.002).reason]).toEqual(['pass', "0.002 is within the bound <= 0.01 (a bound on the current run's value, whatever the baseline's)"]);
    expect([run(0.05).verdict, run(0.05).limits]).toEqual(['fail', { warn: null, fail: '<= 0.01' }]);
  });
});

describe('rule words', () => {
  it('reads drop/rise <= LIMIT and METRIC <= VALUE', () => {
    expect(parseGateRule('quality.arc_easy.acc: drop <= 2%')).toMatchObject({ metric: 'quality.arc_easy.acc', warn: null, fail: { kind: 'relative', magnitude: 0.02, sign: '-' } });
    expect(parseGateRule('ttftMs: rise <= 3')).toMatchObject({ fail: { kind: 'absolute', magnitude: 3, sign: '+' } });
    expect(parseGateRule('fidelity.klMean <= 1e-3')).toEqual({ metric: 'fidelity.klMean', warn: null, fail: null, text: 'fidelity.klMean <= 1e-3', bound: { op: '<=', value: 0.001 } });
    expect(parseGateRule('fidelity.top1Agreement >= 0.99').bound).toEqual({ op: '>=', value: 0.99 });
  });
});
