/**
 * The gate's decisions on seeded synthetic samples measured in several processes whose levels differ (as
 * they do on a shared VM): a real regression fails, A/A noise passes, a limit below what the runner
 * resolves warns instead of failing at random, and metrics without a process test are judged on the
 * threshold alone (saying so).
 */
import { describe, expect, it } from 'vitest';
import { compareMetric } from '../../harness/compare/compareMetric.js';
import { readMetric } from '../../harness/compare/readMetric.js';
import { evaluateGate, type GateOptions } from '../../harness/gate/evaluateGate.js';
import type { GateVerdict } from '../../harness/gate/GateReport.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { entry, loaded, normalSamples, processSamples, result, type EntrySpec } from './gateFixtures.js';

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

/** One side of a gate: `processes` processes of `repetitions` each, with process-level spread `processCv`. */
function side(seed: number, mean: number, options: { processes?: number; repetitions?: number; cv?: number; processCv?: number } = {}): EntrySpec {
  const p = options.processes ?? 3;
  const { values, processOf } = processSamples(seed, p, options.repetitions ?? 8, mean, options.cv ?? 0.03, options.processCv ?? 0.05);
  return { samples: { decodeTps: values }, processOf, processes: p };
}

describe('processes, not repetitions, are the unit (3 processes × 8 repetitions, 3% within, 5% between processes)', () => {
  it('identical configs: at most 1 in 20 gates fails at the default rules over 200 seeded A/A trials', () => {
    // Between-process spread as measured on the 2-core VM. A test on pooled repetitions calls most of
    // these pairs different (issue #15: 9 of 15 failed); the process test keeps false fails near zero.
    let fails = 0;
    for (let trial = 0; trial < 200; trial++) {
      const report = gateOne(side(10_000 + trial, 100), side(20_000 + trial, 100), ['decodeTps:-5%,-10%'], { resamples: 500 });
      if (report.verdict === 'fail') fails++;
    }
    expect(fails).toBeLessThanOrEqual(10);
  });

  it('a real −20% decode change fails in at least 95% of 200 seeded trials with 5 processes a side', () => {
    // With 3 processes at 5% spread the smallest resolvable change is about 16% (median), so −20% fails
    // only about 3 times in 4 (the rest warn, saying the limit cannot be judged): CI gates want 5.
    const verdicts = { fail: 0, warn: 0, pass: 0 };
    for (let trial = 0; trial < 200; trial++) {
      const report = gateOne(side(30_000 + trial, 100, { processes: 5 }), side(40_000 + trial, 80, { processes: 5 }), ['decodeTps:-5%,-10%'], { resamples: 500 });
      verdicts[report.verdict]++;
    }
    expect(verdicts.fail).toBeGreaterThanOrEqual(190);
    expect(verdicts.pass).toBe(0);
  });

  it('a verdict names the processes behind it and states the smallest change it resolves', () => {
    const v = only(gateOne(side(1, 100), side(2, 80), ['decodeTps:-5%,-10%']).verdicts, 'metrics.decodeTps');
    expect(v.verdict).toBe('fail');
    expect(v.comparison!.method).toBe('processes');
    expect(v.comparison!.processes).toEqual([3, 3]);
    expect(v.comparison!.pValue).toBeNull();
    expect(v.comparison!.interval!.confidence).toBeCloseTo(0.9, 15);
    expect(v.comparison!.interval!.high).toBeLessThan(1);
    expect(v.minimumDetectable).toBeCloseTo(1 / v.comparison!.minimumDetectable!, 15);
    expect(v.minimumDetectable!).toBeLessThan(1);
    expect(v.reason).toMatch(/^−\d+(\.\d+)?% passes the fail limit -10%; 90% interval of the ratio over 3 \+ 3 processes \[0\.\d+, 0\.\d+\]$/);
  });

  it('one process per side is no evidence: judged on the limit alone, saying why', () => {
    const one = (seed: number, mean: number) => ({ samples: { decodeTps: normalSamples(seed, 20, mean, 0.01) }, processes: 1 });
    const v = only(gateOne(one(1, 100), one(2, 80), ['decodeTps:-10%']).verdicts, 'metrics.decodeTps');
    expect(v.comparison!.method).toBe('none');
    expect(v.comparison!.processes).toEqual([1, 1]);
    expect(v.comparison!.significant).toBeNull();
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/threshold only \(1 and 1 worker process: repetitions inside one process share its memory layout/);
  });
});

describe('limits below what the runner resolves', () => {
  // Processes that disagree by about 10%: the smallest resolvable change is well above 5%.
  const noisy = (seed: number, mean: number) => side(seed, mean, { processCv: 0.1 });

  it('a significant drop past a fail limit below the minimum detectable change warns, saying the limit cannot be judged', () => {
    // Find a seeded pair whose drop is significant, past -3% but within the detectable change.
    let found: GateVerdict | null = null;
    for (let trial = 0; trial < 400 && !found; trial++) {
      const v = only(gateOne(noisy(50_000 + trial, 100), noisy(60_000 + trial, 92), ['decodeTps:-3%']).verdicts, 'metrics.decodeTps');
      const resolvable = 1 - 1 / v.comparison!.minimumDetectable!;
      if (v.comparison!.significant && 1 - v.comparison!.ratio! < resolvable) found = v;
    }
    expect(found).not.toBeNull();
    expect(found!.verdict).toBe('warn');
    expect(found!.reason).toMatch(/passes the fail limit -3%, but this runner cannot resolve changes below \d+(\.\d+)?% \(minimum detectable at α = 0\.05\): the limit cannot be judged here/);
  });

  it('a drop past the fail limit whose interval reaches no change warns as inconclusive; within the fail limit it passes', () => {
    let inconclusive: GateVerdict | null = null;
    let quiet: GateVerdict | null = null;
    for (let trial = 0; trial < 400 && !(inconclusive && quiet); trial++) {
      const v = only(gateOne(noisy(70_000 + trial, 100), noisy(80_000 + trial, 92), ['decodeTps:-5%,-10%']).verdicts, 'metrics.decodeTps');
      if (v.comparison!.significant !== false) continue;
      if (1 - v.comparison!.ratio! > 0.1) inconclusive ??= v;
      else quiet ??= v;
    }
    expect(inconclusive).not.toBeNull();
    expect(inconclusive!.verdict).toBe('warn');
    expect(inconclusive!.reason).toMatch(/passes the fail limit -10%, but the interval reaches no change \(.*\): inconclusive, rerun with more processes or gate --ab$/);
    expect(quiet).not.toBeNull();
    expect(quiet!.verdict).toBe('pass');
    expect(quiet!.reason).toMatch(/not a significant worsening/);
  });

  it('a calibration raises the floor: the same change fails without it and warns with it', () => {
    const base = side(3, 100);
    const cur = side(4, 85);
    const plain = only(gateOne(base, cur, ['decodeTps:-10%']).verdicts, 'metrics.decodeTps');
    expect(plain.verdict).toBe('fail');
    const calibrated = only(gateOne(base, cur, ['decodeTps:-10%'], { minimumDetectable: { decodeTps: 0.8 } }).verdicts, 'metrics.decodeTps');
    expect(calibrated.minimumDetectable).toBeCloseTo(0.8, 15);
    expect(calibrated.verdict).toBe('warn');
    expect(calibrated.reason).toMatch(/cannot resolve changes below 20%/);
    // A change past the calibrated floor fails.
    expect(only(gateOne(base, side(5, 70), ['decodeTps:-10%'], { minimumDetectable: { decodeTps: 0.8 } }).verdicts, 'metrics.decodeTps').verdict).toBe('fail');
  });

  it('the report states the worst minimum detectable change per metric', () => {
    const report = gateOne(side(1, 100), side(2, 100), ['decodeTps:-10%']);
    const v = only(report.verdicts, 'metrics.decodeTps');
    expect(report.minimumDetectable).toEqual({ 'metrics.decodeTps': v.minimumDetectable });
  });
});

describe('exact values on fixed samples', () => {
  const two = (a: number[], b: number[]) => ({ values: [...a, ...b], processOf: [...a.map(() => 0), ...b.map(() => 1)] });

  it('ratio of medians over all repetitions; lower-is-better metrics regress upward', () => {
    const base = two([10, 10.1, 10.2], [10.3, 10.4, 10.2]);
    const slow = two([12, 12.1, 12.24], [12.3, 12.4, 12.2]);
    const slower = only(
      gateOne({ samples: { ttftMs: base.values }, processOf: base.processOf }, { samples: { ttftMs: slow.values }, processOf: slow.processOf }, ['ttftMs:+10%']).verdicts,
      'metrics.ttftMs',
    );
    expect(slower.direction).toBe('lower');
    expect(slower.comparison!.baseline).toEqual({ value: 10.2, n: 6 });
    expect(slower.comparison!.current.n).toBe(6);
    expect(slower.comparison!.current.value).toBeCloseTo(12.22, 12);
    expect(slower.comparison!.ratio).toBeCloseTo(12.22 / 10.2, 14);
    expect(slower.verdict).toBe('fail');
    const faster = only(
      gateOne({ samples: { ttftMs: slow.values }, processOf: slow.processOf }, { samples: { ttftMs: base.values }, processOf: base.processOf }, ['ttftMs:+10%']).verdicts,
      'metrics.ttftMs',
    );
    expect(faster.comparison!.significant).toBe(false);
    expect(faster.verdict).toBe('pass');
  });

  it('a change exactly at the limit is allowed', () => {
    const b = two([100, 100, 100], [100, 100, 100]);
    const c = two([95, 95, 95], [95, 95, 95]);
    const v = only(gateOne({ samples: { decodeTps: b.values }, processOf: b.processOf }, { samples: { decodeTps: c.values }, processOf: c.processOf }, ['decodeTps:-5%']).verdicts, 'metrics.decodeTps');
    expect(v.comparison!.significant).toBe(true);
    expect(v.verdict).toBe('pass');
  });

  it('samples are grouped by process, each process without its cold first repetition', () => {
    const e = entry({ samples: { decodeTps: [50, 100, 101, 40, 102, 103] }, processOf: [0, 0, 0, 1, 1, 1] }) as unknown as {
      metrics: Record<string, Record<string, unknown>>;
    };
    e.metrics.decodeTps = { ...e.metrics.decodeTps, n: 4, median: 101.5, cold: 45 };
    expect(readMetric(e, 'metrics.decodeTps')).toEqual({
      kind: 'samples',
      samples: [100, 101, 102, 103],
      groups: [
        [100, 101],
        [102, 103],
      ],
      unit: 'repetition',
      value: 101.5,
      higherIsBetter: null,
    });
  });

  it('itlMs: one value per repetition (the median of its gaps), grouped by process', () => {
    const reading = readMetric(entry({ samples: { itlMs: [[1, 2, 9], [3, 4, 5], [2, 2, 2, 8], [7, 7]] }, processOf: [0, 0, 1, 1] }), 'metrics.itlMs');
    // The first repetition of each process is its cold one.
    expect(reading).toEqual({ kind: 'samples', samples: [4, 7], groups: [[4], [7]], unit: 'repetition median', value: 5.5, higherIsBetter: null });
    const unindexed = entry({ samples: { itlMs: [[1, 2, 9], [3, 4, 5], [2, 2, 2, 8]] } }) as unknown as { samples: Record<string, unknown> };
    delete unindexed.samples.process;
    expect(readMetric(unindexed, 'metrics.itlMs')).toEqual({ kind: 'samples', samples: [2, 4, 2], groups: [[2, 4, 2]], unit: 'repetition median', value: 2, higherIsBetter: null });
  });

  it('compareMetric two-sided: significant both ways, labelled better or worse', () => {
    const reading = (groups: number[][]) => ({ kind: 'samples' as const, samples: groups.flat(), groups, unit: 'repetition' as const, value: 0, higherIsBetter: null });
    const a = { ...reading([[1, 2, 3], [2, 3, 4], [1.5, 2.5, 3]]), value: 2.5 };
    const b = { ...reading([[11, 12, 13], [12, 13, 14], [11.5, 12.5, 13]]), value: 12.5 };
    const up = compareMetric(a, b, { direction: 'higher' });
    expect(up.interval!.confidence).toBeCloseTo(0.95, 15);
    expect(up.interval!.low).toBeGreaterThan(1);
    expect(up.change).toBe('better');
    expect(compareMetric(a, b, { direction: 'lower' }).change).toBe('worse');
    expect(compareMetric(b, a, { direction: 'higher', alternative: 'regression' }).change).toBe('worse');
    expect(compareMetric(a, b, { direction: 'higher', alternative: 'regression' }).significant).toBe(false);
  });
});

describe('metrics without raw samples', () => {
  it('peakRssBytes (one number per run) is judged on the threshold alone, and says so', () => {
    const report = gateOne({ samples: { decodeTps: [1, 2] }, peakRssBytes: 100e6 }, { samples: { decodeTps: [1, 2] }, peakRssBytes: 106e6 }, ['peakRssBytes:+5%']);
    const v = only(report.verdicts, 'metrics.peakRssBytes');
    expect(v.comparison!.method).toBe('none');
    expect(v.comparison!.significant).toBeNull();
    expect(v.comparison!.pValue).toBeNull();
    expect(v.minimumDetectable).toBeNull();
    expect(v.verdict).toBe('fail');
    expect(v.reason).toBe('+6% passes the fail limit +5%; threshold only (one number per run)');
  });

  it('a metric with one sample per run (loadMs) is judged on the threshold alone', () => {
    const v = only(gateOne({ samples: { loadMs: [100] } }, { samples: { loadMs: [103] } }, ['loadMs:+5%']).verdicts, 'metrics.loadMs');
    expect(v.comparison!.significant).toBeNull();
    expect(v.comparison!.processes).toEqual([1, 1]);
    expect(v.verdict).toBe('pass');
  });

  it('accuracy without per-item scores is judged on the limit alone, and says so', () => {
    const q = (value: number, stderr: number | null) => ({ arc_easy: { acc: { value, stderr, n: 500, higherIsBetter: true } } });
    const report = gateOne({ samples: { decodeTps: [1, 2] }, quality: q(0.6, 0.01) }, { samples: { decodeTps: [1, 2] }, quality: q(0.55, 0.01) }, ['acc:-0.02']);
    const v = only(report.verdicts, 'metrics.quality.arc_easy.acc');
    expect(v.comparison!.method).toBe('none');
    expect(v.comparison!.difference).toBeCloseTo(-0.05, 15);
    expect(v.comparison!.pValue).toBeNull();
    expect(v.comparison!.interval!.of).toBe('difference');
    expect(v.verdict).toBe('fail');
    expect(v.reason).toBe(
      '−0.05 passes the fail limit -0.02; threshold only (accuracy is judged on the limit alone: both runs score the same items, and the paired per-item test needs per-item scores on both sides (results written before they were recorded))',
    );
    const within = gateOne({ samples: { decodeTps: [1, 2] }, quality: q(0.6, 0.05) }, { samples: { decodeTps: [1, 2] }, quality: q(0.59, 0.05) }, ['acc:-0.02']);
    expect(only(within.verdicts, 'metrics.quality.arc_easy.acc').verdict).toBe('pass');
  });

  it('compare keeps the z-test of quality estimates, with its p-value', () => {
    const est = (value: number) => ({ kind: 'estimate' as const, value, stderr: 0.01, n: 500, higherIsBetter: true });
    const c = compareMetric(est(0.6), est(0.55), { direction: 'higher' });
    expect(c.method).toBe('z-test');
    expect(c.pValue).toBeCloseTo(2 * 0.00020347600872250634, 10);
    expect(c.change).toBe('worse');
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
