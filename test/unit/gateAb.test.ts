/**
 * The pieces of an A/B gate: turn-taking between two sweeps (one process at a time, alternating in a
 * seeded order, the first launch only when both sides are set up), gating a setting change by matching
 * on fewer fields, and the summary of an A/A calibration.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { summarizeCalibration } from '../../harness/gate/summarizeCalibration.js';
import { parseMatchFields } from '../../harness/compare/parseMatchFields.js';
import { InterleavedTurns, type LaunchTurns } from '../../harness/runner/InterleavedTurns.js';
import { seededUniform } from '../../harness/stats/seededUniform.js';
import { studentTQuantile } from '../../harness/stats/studentTQuantile.js';
import { SlmbenchError } from '../../harness/errors.js';
import { entry, loaded, processSamples, result } from './gateFixtures.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** A fake sweep: `launches` launches of `entry`, each holding its turn for a tick; logs start and end. */
async function sweep(name: string, turns: LaunchTurns, launches: number, log: string[], setupTicks = 0): Promise<void> {
  for (let i = 0; i < setupTicks; i++) await tick();
  for (let p = 0; p < launches; p++) {
    const release = await turns.take(`${name}-entry`, p);
    log.push(`start ${name}${p}`);
    await tick();
    log.push(`end ${name}${p}`);
    release();
  }
}

/** The pair orders seed `seed` gives two sides: Fisher-Yates on [0, 1] with the seeded generator. */
function expectedOrder(seed: number, pairs: number): string[] {
  const u = seededUniform(seed);
  const out: string[] = [];
  for (let i = 0; i < pairs; i++) out.push(...(Math.floor(u() * 2) === 0 ? ['B', 'A'] : ['A', 'B']));
  return out;
}

describe('InterleavedTurns', () => {
  it('one process at a time, every pair one of each side, in the order the seed gives', async () => {
    const turns = new InterleavedTurns(['A', 'B'], 42);
    const log: string[] = [];
    const a = turns.side(0);
    const b = turns.side(1);
    await Promise.all([sweep('A', a, 4, log).finally(() => a.finish()), sweep('B', b, 4, log, 5).finally(() => b.finish())]);
    // Never two at once: starts and ends alternate.
    log.forEach((line, i) => expect(line.startsWith(i % 2 === 0 ? 'start' : 'end')).toBe(true));
    expect(turns.launches.map((l) => l.side)).toEqual(expectedOrder(42, 4));
    expect(turns.launches.filter((l) => l.side === 'A').map((l) => l.process)).toEqual([0, 1, 2, 3]);
    expect(turns.seed).toBe(42);
  });

  it('the first launch waits until both sides have asked (B set up slowly, A first in the order)', async () => {
    // Find a seed whose first pair puts A first.
    const seed = [1, 2, 3, 4, 5, 6, 7, 8].find((s) => expectedOrder(s, 1)[0] === 'A')!;
    const turns = new InterleavedTurns(['A', 'B'], seed);
    const log: string[] = [];
    const a = turns.side(0);
    const b = turns.side(1);
    const setup = (async () => {
      for (let i = 0; i < 5; i++) await tick();
      log.push('B ready');
    })();
    await Promise.all([sweep('A', a, 1, log).finally(() => a.finish()), setup.then(() => sweep('B', b, 1, log)).finally(() => b.finish())]);
    expect(log[0]).toBe('B ready');
    expect(log.slice(1)).toEqual(['start A0', 'end A0', 'start B0', 'end B0']);
  });

  it('a side that finishes early gives its turns to the other', async () => {
    const turns = new InterleavedTurns(['A', 'B'], 3);
    const log: string[] = [];
    const a = turns.side(0);
    const b = turns.side(1);
    await Promise.all([sweep('A', a, 1, log).finally(() => a.finish()), sweep('B', b, 4, log).finally(() => b.finish())]);
    expect(turns.launches.map((l) => l.side).filter((s) => s === 'B')).toHaveLength(4);
    expect(turns.launches).toHaveLength(5);
  });

  it('whatever the seed, the remaining side gets every turn: after the other finished early or before it asked', async () => {
    const stuck = Symbol('stuck');
    for (let seed = 0; seed < 32; seed++) {
      for (const aLaunches of [0, 1]) {
        const turns = new InterleavedTurns(['A', 'B'], seed);
        const log: string[] = [];
        const a = turns.side(0);
        const b = turns.side(1);
        const both = Promise.all([sweep('A', a, aLaunches, log, 2).finally(() => a.finish()), sweep('B', b, 6, log).finally(() => b.finish())]);
        const outcome = await Promise.race([both, new Promise((resolve) => setTimeout(() => resolve(stuck), 500))]);
        expect(outcome, `seed ${seed}, A launches ${aLaunches}`).not.toBe(stuck);
        expect(turns.launches.filter((l) => l.side === 'B').map((l) => l.process)).toEqual([0, 1, 2, 3, 4, 5]);
        expect(turns.launches.filter((l) => l.side === 'A')).toHaveLength(aLaunches);
      }
    }
  });
});

describe('gating a setting change with --match', () => {
  const run = (threads: number, mean: number, seed: number) => {
    const { values, processOf } = processSamples(seed, 5, 8, mean, 0.02, 0.02);
    return loaded(result([entry({ options: { threads }, samples: { decodeTps: values }, processOf })]), `threads-${threads}.json`);
  };

  it('entries with other options do not match by default; matched on model, backend and workload they do, and the verdict shows both settings', () => {
    expect(() => evaluateGate(run(1, 100, 1), run(2, 42, 2))).toThrow(/no entry of threads-2\.json matches .* \(entries match by model sha256, backend id, backend options, workload\)/);
    const report = evaluateGate(run(1, 100, 1), run(2, 42, 2), { match: parseMatchFields('model,backend,workload'), rules: [parseGateRule('decodeTps:-10%')] });
    expect(report.verdict).toBe('fail');
    const v = report.verdicts[0]!;
    expect(v.setting).toBe('threads 1 → 2');
    expect(v.baselineEntry).toBe('m1 · llama-cpp threads=1 · pp64+tg64');
    expect(v.entry).toBe('m1 · llama-cpp threads=2 · pp64+tg64');
    expect(report.options.match).toEqual(['model', 'backend', 'workload']);
  });

  it('a side holding two settings the match cannot tell apart is refused, naming the fix', () => {
    const both = loaded(result([entry({ options: { threads: 1 }, samples: { decodeTps: [1, 2, 3] } }), entry({ options: { threads: 2 }, samples: { decodeTps: [1, 2, 3] } })]), 'both.json');
    let error: unknown;
    try {
      evaluateGate(both, run(2, 42, 2), { match: ['model', 'backend', 'workload'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlmbenchError);
    expect((error as SlmbenchError).code).toBe('NOT_COMPARABLE');
    expect((error as Error).message).toMatch(/are the same on --match model,backend,workload; a side must hold each entry once: match on more fields \(e\.g\. options\.NAME\)/);
  });

  it('options.NAME matches on that option alone', () => {
    const a = loaded(result([entry({ options: { threads: 1, flashAttention: false }, samples: { decodeTps: [1, 2, 3] } })]), 'a.json');
    const b = loaded(result([entry({ options: { threads: 1, flashAttention: true }, samples: { decodeTps: [1, 2, 3] } })]), 'b.json');
    const report = evaluateGate(a, b, { match: parseMatchFields(['model,backend', 'workload,options.threads']) });
    expect(report.verdicts[0]!.setting).toBe('flashAttention false → true');
    expect(() => evaluateGate(a, b, { match: parseMatchFields('model,options.flashAttention') })).toThrow(/no entry of b\.json matches/);
  });

  it('--match refuses unknown fields with a suggestion', () => {
    expect(() => parseMatchFields('model,workloads')).toThrow('--match: unknown field "workloads" (did you mean "workload"?); fields: model, backend, options, workload, options.NAME');
    expect(() => parseMatchFields(' , ')).toThrow('--match: no field given');
  });
});

describe('summarizeCalibration', () => {
  /** An A/A gate report of one entry with the given decode ratio and its own minimum detectable factor. */
  const gate = (seed: number, ratio: number) => {
    const a = processSamples(seed, 3, 6, 100, 0.01, 0.01);
    const b = processSamples(seed + 1, 3, 6, 100 * ratio, 0.01, 0.01);
    return evaluateGate(
      loaded(result([entry({ samples: { decodeTps: a.values, ttftMs: a.values.map((x) => 1000 / x) }, processOf: a.processOf })]), 'a.json'),
      loaded(result([entry({ samples: { decodeTps: b.values, ttftMs: b.values.map((x) => 1000 / x) }, processOf: b.processOf })]), 'b.json'),
      { rules: [parseGateRule('decodeTps:-5%,-10%'), parseGateRule('ttftMs:+10%,+20%')], interleaving: { seed, launches: [] } },
    );
  };

  it('false alarms are failing gates; the detectable change is the larger of one gate’s and the A/A spread’s, in the regression direction', () => {
    const reports = [gate(1, 1), gate(3, 1.01), gate(5, 0.99), gate(7, 0.7)];
    const c = summarizeCalibration(reports);
    expect(c.runs).toBe(4);
    expect(c.falseAlarmRate).toBe(reports.filter((r) => r.verdict === 'fail').length / 4);
    expect(reports[3]!.verdict).toBe('fail');
    expect(c.gates.map((g) => g.seed)).toEqual([1, 3, 5, 7]);
    expect(c.gates[3]!.failures[0]).toMatch(/^m1 · llama-cpp threads=1 · pp64\+tg64 · metrics\.decodeTps: −\d+(\.\d+)?% passes the fail limit -10%/);
    // By hand: the spread of the four log ratios.
    const logs = reports.map((r) => Math.log(r.verdicts.find((v) => v.metric === 'metrics.decodeTps')!.comparison!.ratio!));
    const mean = logs.reduce((s, x) => s + x, 0) / 4;
    const s = Math.sqrt(logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / 3);
    const spread = (studentTQuantile(0.95, 3) + studentTQuantile(0.8, 3)) * s;
    const own = reports.map((r) => Math.log(r.verdicts.find((v) => v.metric === 'metrics.decodeTps')!.comparison!.minimumDetectable!)).sort((x, y) => x - y);
    const ownMedian = (own[1]! + own[2]!) / 2;
    expect(c.minimumDetectable.decodeTps).toBeCloseTo(1 / Math.exp(Math.max(spread, ownMedian)), 12);
    expect(c.minimumDetectable.ttftMs!).toBeGreaterThan(1);
    expect(c.alpha).toBe(0.05);
    expect(c.power).toBe(0.8);
  });
});
