/**
 * The gate's decisions on seeded synthetic samples: a real regression fails, noise passes, a drop below
 * the practical threshold warns or passes as configured, and metrics without raw samples are judged on
 * the threshold alone (saying so).
 */
import { describe, expect, it } from 'vitest';
import { compareMetric } from '../../harness/compare/compareMetric.js';
import { readMetric } from '../../harness/compare/readMetric.js';
import { evaluateGate, type GateOptions } from '../../harness/gate/evaluateGate.js';
import type { GateVerdict } from '../../harness/gate/GateReport.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { entry, loaded, normalSamples, result, type EntrySpec } from './gateFixtures.js';

/** Gate of one entry whose samples are given for baseline and current. */
function gateOne(base: EntrySpec, cur: EntrySpec, rules: string[], options: Omit<GateOptions, 'rules'> = {}) {
  const report = evaluateGate(loaded(result([entry(base)]), 'base.json'), loaded(result([entry(cur)]), 'cur.json'), {
    ...options,
    rules: rules.map((text) => parseGateRule(text)),
  });
  return report;
}

function only(verdicts: GateVerdict[], metric: string): GateVerdict {
  const found = verdicts.filter((v) => v.metric === metric);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('decode rate regressions on seeded samples (20 samples, 3% CV)', () => {
  it('a 10% drop fails the gate (rule decodeTps:-5%)', () => {
    const report = gateOne(
      { samples: { decodeTps: normalSamples(1, 20, 100, 0.03) } },
      { samples: { decodeTps: normalSamples(2, 20, 90, 0.03) } },
      ['decodeTps:-5%'],
    );
    const v = only(report.verdicts, 'metrics.decodeTps');
    expect(v.verdict).toBe('fail');
    expect(v.direction).toBe('higher');
    expect(v.comparison!.method).toBe('mann-whitney');
    expect(v.comparison!.significant).toBe(true);
    expect(v.comparison!.pValue!).toBeLessThan(1e-6);
    expect(v.comparison!.ratio!).toBeGreaterThan(0.85);
    expect(v.comparison!.ratio!).toBeLessThan(0.95);
    expect(report.verdict).toBe('fail');
  });

  it('a 10% drop fails in at least 95% of 200 seeded trials, with either test', () => {
    for (const test of ['mann-whitney', 'bootstrap'] as const) {
      let fails = 0;
      for (let trial = 0; trial < 200; trial++) {
        const report = gateOne(
          { samples: { decodeTps: normalSamples(1000 + trial, 20, 100, 0.03) } },
          { samples: { decodeTps: normalSamples(5000 + trial, 20, 90, 0.03) } },
          ['decodeTps:-5%'],
          { test, resamples: 500 },
        );
        if (report.verdict === 'fail') fails++;
      }
      expect(fails, test).toBeGreaterThanOrEqual(190);
    }
  });

  it('identical distributions pass in at least 95% of 200 seeded trials', () => {
    let passes = 0;
    for (let trial = 0; trial < 200; trial++) {
      const report = gateOne(
        { samples: { decodeTps: normalSamples(10_000 + trial, 20, 100, 0.03) } },
        { samples: { decodeTps: normalSamples(20_000 + trial, 20, 100, 0.03) } },
        ['decodeTps:-5%'],
      );
      if (report.verdict === 'pass') passes++;
    }
    expect(passes).toBeGreaterThanOrEqual(190);
  });

  it('with no practical threshold (-0%) the test alone keeps false alarms near α', () => {
    // One-sided exact U test at α = 0.05: about 5% false alarms by construction; 99.9% binomial bound 20/200.
    let fails = 0;
    for (let trial = 0; trial < 200; trial++) {
      const report = gateOne(
        { samples: { decodeTps: normalSamples(30_000 + trial, 20, 100, 0.03) } },
        { samples: { decodeTps: normalSamples(40_000 + trial, 20, 100, 0.03) } },
        ['decodeTps:-0%'],
      );
      if (report.verdict === 'fail') fails++;
    }
    expect(fails).toBeLessThanOrEqual(20);
  });

  it('a significant 3% drop below the 5% fail limit warns with a 2% warn tier and passes without one', () => {
    const base = { samples: { decodeTps: normalSamples(7, 20, 100, 0.01) } };
    const cur = { samples: { decodeTps: normalSamples(8, 20, 97, 0.01) } };
    const warned = only(gateOne(base, cur, ['decodeTps:-2%,-5%']).verdicts, 'metrics.decodeTps');
    expect(warned.comparison!.significant).toBe(true);
    expect(warned.verdict).toBe('warn');
    expect(warned.reason).toMatch(/passes the warn limit -2%/);
    const passed = only(gateOne(base, cur, ['decodeTps:-5%']).verdicts, 'metrics.decodeTps');
    expect(passed.comparison!.significant).toBe(true);
    expect(passed.verdict).toBe('pass');
    expect(passed.reason).toMatch(/within -5%/);
    // Warnings do not fail the gate.
    expect(gateOne(base, cur, ['decodeTps:-2%,-5%']).verdict).toBe('warn');
  });

  it('a drop past the limit that the test cannot tell from noise passes', () => {
    // 3 samples each at 30% CV: the medians differ by more than 5% but the samples overlap.
    const report = gateOne({ samples: { decodeTps: [100, 70, 130] } }, { samples: { decodeTps: [90, 60, 125] } }, ['decodeTps:-5%']);
    const v = only(report.verdicts, 'metrics.decodeTps');
    expect(v.comparison!.ratio).toBeCloseTo(0.9, 12);
    expect(v.comparison!.significant).toBe(false);
    expect(v.verdict).toBe('pass');
  });
});

describe('exact values on fixed samples', () => {
  it('fully separated 5 vs 5: one-sided exact p = 1/252, ratio of medians 0.9', () => {
    const v = only(
      gateOne({ samples: { decodeTps: [100, 101, 102, 103, 104] } }, { samples: { decodeTps: [90, 90.5, 91.8, 92, 92.5] } }, ['decodeTps:-5%,-8%'])
        .verdicts,
      'metrics.decodeTps',
    );
    expect(v.comparison!.pValue).toBeCloseTo(1 / 252, 15);
    expect(v.comparison!.baseline).toEqual({ value: 102, n: 5 });
    expect(v.comparison!.current).toEqual({ value: 91.8, n: 5 });
    expect(v.comparison!.ratio).toBeCloseTo(0.9, 15);
    expect(v.verdict).toBe('fail');
  });

  it('lower-is-better metrics regress upward: TTFT +20% fails +10%, TTFT −20% passes', () => {
    const slower = only(
      gateOne({ samples: { ttftMs: [10, 10.1, 10.2, 10.3, 10.4] } }, { samples: { ttftMs: [12, 12.1, 12.24, 12.3, 12.4] } }, ['ttftMs:+10%']).verdicts,
      'metrics.ttftMs',
    );
    expect(slower.direction).toBe('lower');
    expect(slower.comparison!.ratio).toBeCloseTo(1.2, 12);
    expect(slower.verdict).toBe('fail');
    const faster = only(
      gateOne({ samples: { ttftMs: [12, 12.1, 12.24, 12.3, 12.4] } }, { samples: { ttftMs: [10, 10.1, 10.2, 10.3, 10.4] } }, ['ttftMs:+10%']).verdicts,
      'metrics.ttftMs',
    );
    expect(faster.comparison!.significant).toBe(false);
    expect(faster.verdict).toBe('pass');
  });

  it('a change exactly at the limit is allowed', () => {
    const v = only(
      gateOne({ samples: { decodeTps: [100, 100, 100, 100] } }, { samples: { decodeTps: [95, 95, 95, 95] } }, ['decodeTps:-5%']).verdicts,
      'metrics.decodeTps',
    );
    expect(v.comparison!.significant).toBe(true);
    expect(v.verdict).toBe('pass');
  });

  it('bootstrap test: significant when the (1 − 2α) interval of the ratio lies below 1', () => {
    const v = only(
      gateOne(
        { samples: { decodeTps: normalSamples(1, 20, 100, 0.03) } },
        { samples: { decodeTps: normalSamples(2, 20, 90, 0.03) } },
        ['decodeTps:-5%'],
        { test: 'bootstrap' },
      ).verdicts,
      'metrics.decodeTps',
    );
    expect(v.comparison!.method).toBe('bootstrap');
    expect(v.comparison!.interval!.confidence).toBeCloseTo(0.9, 15);
    expect(v.comparison!.interval!.high).toBeLessThan(1);
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/90% interval of the ratio/);
  });

  it('itlMs: the unit of the test is the repetition (median of its gaps)', () => {
    const reading = readMetric(entry({ samples: { itlMs: [[1, 2, 9], [3, 4, 5], [2, 2, 2, 8]] } }), 'metrics.itlMs');
    expect(reading).toEqual({ kind: 'samples', samples: [2, 4, 2], unit: 'repetition median', value: 2, higherIsBetter: null });
  });

  it('the cold first repetition, which the statistics report apart, is left out of the test', () => {
    const e = entry({ samples: { decodeTps: [50, 100, 101, 102], itlMs: [[9, 9], [1, 2, 3], [2, 3, 4]] } }) as unknown as {
      metrics: Record<string, Record<string, unknown>>;
    };
    // As slmbench writes them: `cold` on per-repetition statistics; ITL statistics over the later repetitions.
    e.metrics.decodeTps = { ...e.metrics.decodeTps, n: 3, median: 101, cold: 50 };
    e.metrics.itlMs = { ...e.metrics.itlMs, n: 6 };
    expect(readMetric(e, 'metrics.decodeTps')).toMatchObject({ samples: [100, 101, 102], value: 101 });
    expect(readMetric(e, 'metrics.itlMs')).toMatchObject({ samples: [2, 3], value: 2.5 });
  });
});

describe('metrics without raw samples', () => {
  it('peakRssBytes (one number per run) is judged on the threshold alone, and says so', () => {
    const report = gateOne({ samples: { decodeTps: [1, 2] }, peakRssBytes: 100e6 }, { samples: { decodeTps: [1, 2] }, peakRssBytes: 106e6 }, ['peakRssBytes:+5%']);
    const v = only(report.verdicts, 'metrics.peakRssBytes');
    expect(v.comparison!.method).toBe('none');
    expect(v.comparison!.significant).toBeNull();
    expect(v.comparison!.pValue).toBeNull();
    expect(v.verdict).toBe('fail');
    expect(v.reason).toBe('+6% passes the fail limit +5%; threshold only (one number per run)');
  });

  it('a metric with one sample per run (loadMs) is judged on the threshold alone', () => {
    const v = only(gateOne({ samples: { loadMs: [100] } }, { samples: { loadMs: [103] } }, ['loadMs:+5%']).verdicts, 'metrics.loadMs');
    expect(v.comparison!.significant).toBeNull();
    expect(v.comparison!.note).toBe('one sample per run (n = 1 and 1)');
    expect(v.verdict).toBe('pass');
  });

  it('too few samples to reach α: said in the note, and the gate passes', () => {
    const v = only(gateOne({ samples: { decodeTps: [100, 101] } }, { samples: { decodeTps: [50, 51] } }, ['decodeTps:-5%']).verdicts, 'metrics.decodeTps');
    expect(v.comparison!.pValue).toBeCloseTo(1 / 6, 15);
    expect(v.comparison!.note).toMatch(/cannot reach α = 0\.05 \(smallest p = 0\.167\)/);
    expect(v.verdict).toBe('pass');
  });

  it('quality acc {value, stderr}: a one-sided z-test on the difference, with an absolute limit', () => {
    const q = (value: number, stderr: number | null) => ({ arc_easy: { acc: { value, stderr, n: 500, higherIsBetter: true } } });
    const report = gateOne({ samples: { decodeTps: [1, 2] }, quality: q(0.6, 0.01) }, { samples: { decodeTps: [1, 2] }, quality: q(0.55, 0.01) }, ['acc:-0.02']);
    const v = only(report.verdicts, 'metrics.quality.arc_easy.acc');
    const z = -0.05 / Math.hypot(0.01, 0.01);
    expect(v.comparison!.method).toBe('z-test');
    expect(v.comparison!.difference).toBeCloseTo(-0.05, 15);
    expect(v.comparison!.pValue).toBeLessThan(0.001);
    expect(v.comparison!.interval!.of).toBe('difference');
    expect(v.comparison!.interval!.high).toBeCloseTo(-0.05 + 1.6448536269514722 * 0.01 * Math.SQRT2, 9);
    expect(z).toBeLessThan(-3);
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/^−0\.05 passes the fail limit -0\.02; z-test p = /);
    // Not significant: 0.6 ± 0.05 vs 0.57 ± 0.05.
    const noisy = gateOne({ samples: { decodeTps: [1, 2] }, quality: q(0.6, 0.05) }, { samples: { decodeTps: [1, 2] }, quality: q(0.57, 0.05) }, ['acc:-0.02']);
    expect(only(noisy.verdicts, 'metrics.quality.arc_easy.acc').verdict).toBe('pass');
    // No standard error: threshold only.
    const bare = gateOne({ samples: { decodeTps: [1, 2] }, quality: q(0.6, null) }, { samples: { decodeTps: [1, 2] }, quality: q(0.57, null) }, ['acc:-0.02']);
    const b = only(bare.verdicts, 'metrics.quality.arc_easy.acc');
    expect(b.comparison!.significant).toBeNull();
    expect(b.verdict).toBe('fail');
  });

  it('compareMetric two-sided: significant both ways, labelled better or worse', () => {
    const a = { kind: 'samples' as const, samples: [1, 2, 3, 4, 5], unit: 'repetition' as const, value: 3, higherIsBetter: null };
    const b = { kind: 'samples' as const, samples: [11, 12, 13, 14, 15], unit: 'repetition' as const, value: 13, higherIsBetter: null };
    const up = compareMetric(a, b, { direction: 'higher' });
    expect(up.pValue).toBeCloseTo(2 / 252, 15);
    expect(up.change).toBe('better');
    expect(compareMetric(a, b, { direction: 'lower' }).change).toBe('worse');
    expect(compareMetric(b, a, { direction: 'higher', alternative: 'regression' }).change).toBe('worse');
    expect(compareMetric(a, b, { direction: 'higher', alternative: 'regression' }).significant).toBe(false);
  });
});

describe('entries that did not run, or are missing', () => {
  const base = [entry({ model: 'a', samples: { decodeTps: [1, 2, 3] } }), entry({ model: 'b', samples: { decodeTps: [1, 2, 3] } }), entry({ model: 'c', samples: { decodeTps: [1, 2, 3] } })];
  it('errored in the current run: fail; absent: warn (configurable); new entries are listed', () => {
    const current = [entry({ model: 'a', status: 'errored' }), entry({ model: 'c', samples: { decodeTps: [1, 2, 3] } }), entry({ model: 'd', samples: { decodeTps: [1, 2, 3] } })];
    const report = evaluateGate(loaded(result(base), 'b.json'), loaded(result(current), 'c.json'), { rules: [parseGateRule('decodeTps:-5%')] });
    const byModel = (m: string) => report.verdicts.filter((v) => v.entry.startsWith(`${m} `));
    expect(byModel('a').map((v) => [v.metric, v.verdict])).toEqual([['entry', 'fail']]);
    expect(byModel('a')[0]!.reason).toBe('ran in the baseline, errored in the current run: WORKER_CRASHED it did not run');
    expect(byModel('b').map((v) => [v.metric, v.verdict])).toEqual([['entry', 'warn']]);
    expect(byModel('c').map((v) => [v.metric, v.verdict])).toEqual([['metrics.decodeTps', 'pass']]);
    expect(report.unmatched.currentOnly.map((e) => e.entry)).toEqual(['d · llama-cpp threads=1 · pp64+tg64']);
    expect(report.counts).toEqual({ pass: 1, warn: 1, fail: 1, skip: 0 });
    const lenient = evaluateGate(loaded(result(base), 'b.json'), loaded(result(current), 'c.json'), {
      rules: [parseGateRule('decodeTps:-5%')],
      missing: 'pass',
      errored: 'warn',
    });
    expect(lenient.verdict).toBe('warn');
  });

  it('nothing matched at all is refused', () => {
    expect(() => evaluateGate(loaded(result(base), 'b.json'), loaded(result([entry({ model: 'z' })]), 'c.json'))).toThrow(
      /no entry of c\.json matches an entry of the baseline b\.json/,
    );
  });

  it('default rules apply when none are given, leaving out metrics nobody has', () => {
    const report = evaluateGate(
      loaded(result([entry({ samples: { decodeTps: [1, 2, 3], ttftMs: [1, 2, 3] } })]), 'b.json'),
      loaded(result([entry({ samples: { decodeTps: [1, 2, 3], ttftMs: [1, 2, 3] } })]), 'c.json'),
    );
    expect(report.options.defaultRules).toBe(true);
    expect(report.verdicts.map((v) => v.metric)).toEqual(['metrics.decodeTps', 'metrics.ttftMs']);
  });

  it('an explicit rule for a metric no entry has is a usage error with a suggestion', () => {
    expect(() => gateOne({ samples: { decodeTps: [1, 2] } }, { samples: { decodeTps: [1, 2] } }, ['decodeTPS:-5%'])).toThrow(
      /--rule decodeTPS:-5%: no matched entry has a metric "decodeTPS" \(did you mean "decodeTps"\?\)/,
    );
  });
});
