import { describe, expect, it } from 'vitest';
import { attachRanking } from '../../harness/ranking/attachRanking.js';
import { crowdingDistance } from '../../harness/ranking/crowdingDistance.js';
import { hypervolume } from '../../harness/ranking/hypervolume.js';
import { parseObjective } from '../../harness/ranking/parseObjective.js';
import { rankEntries, type RankableEntry } from '../../harness/ranking/rankEntries.js';
import { resolveMetric } from '../../harness/ranking/resolveMetric.js';
import { Z95 } from '../../harness/stats/normalQuantile.js';
import { UsageError } from '../../harness/errors.js';
import type { RunResult } from '../../harness/result/RunResult.js';

/** A statistics object with the fields ranking reads. */
function stat(median: number, ci95: [number, number] | null = null) {
  return { n: 5, mean: median, median, stdev: null, cv: null, min: median, max: median, p90: median, p99: median, ci95 };
}

/** An ok entry with the given metrics (numbers become point statistics). */
function entry(id: string, metrics: Record<string, unknown>, status = 'ok'): RankableEntry & { metrics: Record<string, unknown> } {
  return { id, status, metrics };
}

const TPS_TTFT = [
  { metric: 'metrics.decodeTps', direction: 'max' as const },
  { metric: 'metrics.ttftMs', direction: 'min' as const },
];

describe('rankEntries on a hand-computed set (2 objectives, point values)', () => {
  // decode tok/s (max): worst 36, best 100, range 64; TTFT ms (min): worst 37, best 5, range 32.
  const entries = [
    entry('a', { decodeTps: stat(100), ttftMs: stat(10) }),
    entry('b', { decodeTps: stat(80), ttftMs: stat(5) }),
    entry('c', { decodeTps: stat(60), ttftMs: stat(20) }),
    entry('d', { decodeTps: stat(100), ttftMs: stat(10) }), // exact tie with a
    entry('e', { decodeTps: stat(36), ttftMs: stat(37) }),
    { id: 'f', status: 'errored', error: { code: 'TIMEOUT' } },
    entry('h', { decodeTps: stat(90), ttftMs: stat(8) }),
  ];
  const ranking = rankEntries(entries, { objectives: TPS_TTFT });
  const byId = Object.fromEntries(ranking.entries.map((r) => [r.id, r]));

  it('sorts into fronts; exact ties share a front and dominate nobody', () => {
    expect(ranking.entries.map((r) => [r.id, r.front])).toEqual([
      ['a', 0], ['b', 0], ['c', 1], ['d', 0], ['e', 2], ['f', null], ['h', 0],
    ]);
    expect(byId.a!.dominatedBy).toEqual([]);
    expect(byId.c!.dominatedBy).toEqual(['a', 'b', 'd', 'h']);
    expect(byId.e!.dominatedBy).toEqual(['a', 'b', 'c', 'd', 'h']);
    expect(byId.f!.excluded).toBe('status errored (TIMEOUT)');
  });

  it('records the normalisation range and the reference point', () => {
    expect(ranking.objectives.map((o) => [o.metric, o.worst, o.best, o.count, o.label])).toEqual([
      ['metrics.decodeTps', 36, 100, 6, 'decode tok/s'],
      ['metrics.ttftMs', 37, 5, 6, 'TTFT ms'],
    ]);
    expect(ranking.referencePoint.normalized).toBe(-0.1);
    expect(ranking.referencePoint.values['metrics.decodeTps']).toBeCloseTo(36 - 6.4, 12);
    expect(ranking.referencePoint.values['metrics.ttftMs']).toBeCloseTo(37 + 3.2, 12);
  });

  it('computes crowding distance (boundary entries null = infinite)', () => {
    // Front 0 normalised: a,d (1, 27/32), b (44/64, 1), h (54/64, 29/32). h is interior on both objectives:
    // (1 − 44/64)/(1 − 44/64) + (1 − 27/32)/(1 − 27/32) = 2.
    expect(byId.h!.crowding).toBe(2);
    expect([byId.a!.crowding, byId.b!.crowding, byId.d!.crowding]).toEqual([null, null, null]);
    expect(byId.c!.crowding).toBeNull(); // a front of one
  });

  it('computes hypervolume and each entry\'s contribution within its front', () => {
    // Shifted by 0.1: b (0.7875, 1.1), h (0.94375, 1.00625), a = d (1.1, 0.94375).
    expect(ranking.hypervolume).toBeCloseTo(0.7875 * 1.1 + 0.15625 * 1.00625 + 0.15625 * 0.94375, 12);
    expect(byId.b!.hypervolumeContribution).toBeCloseTo(0.7875 * 0.09375, 12);
    expect(byId.h!.hypervolumeContribution).toBeCloseTo(0.15625 * 0.0625, 12);
    expect(byId.a!.hypervolumeContribution).toBeCloseTo(0, 12); // d covers the same box
    expect(byId.c!.hypervolumeContribution).toBeCloseTo(0.475 * 0.63125, 12);
    expect(byId.e!.hypervolumeContribution).toBeCloseTo(0.01, 12);
    expect(byId.f!.hypervolumeContribution).toBeNull();
  });

  it('computes the weighted score (equal weights) and labels it', () => {
    expect(ranking.entries.map((r) => r.weightedScore)).toEqual([0.921875, 0.84375, 0.453125, 0.921875, 0, null, 0.875]);
    expect(ranking.weightedScore.weights).toEqual({ 'metrics.decodeTps': 1, 'metrics.ttftMs': 1 });
    expect(ranking.weightedScore.label).toContain('not the Pareto ranking');
  });

  it('awards medals with shared places for ties', () => {
    expect(byId.a!.medals).toEqual({ gold: 1, silver: 0, bronze: 1, byObjective: { 'metrics.decodeTps': 'gold', 'metrics.ttftMs': 'bronze' } });
    expect(byId.h!.medals).toEqual({ gold: 0, silver: 1, bronze: 1, byObjective: { 'metrics.decodeTps': 'bronze', 'metrics.ttftMs': 'silver' } });
    expect(byId.b!.medals.byObjective).toEqual({ 'metrics.ttftMs': 'gold' });
    expect(ranking.medalTable.map((m) => [m.id, m.gold, m.silver, m.bronze])).toEqual([
      ['a', 1, 0, 1], ['d', 1, 0, 1], ['b', 1, 0, 0], ['h', 0, 1, 1], ['c', 0, 0, 0], ['e', 0, 0, 0],
    ]);
  });

  it('no medal is won on a gap whose intervals overlap: such entries share the place', () => {
    const overlapping = rankEntries(
      [
        entry('x', { decodeTps: stat(102, [95, 109]) }),
        entry('y', { decodeTps: stat(100, [93, 107]) }),
        entry('z', { decodeTps: stat(60, [58, 62]) }),
        entry('w', { decodeTps: stat(40, [39, 41]) }),
      ],
      { objectives: [{ metric: 'metrics.decodeTps', direction: 'max' }] },
    );
    const medal = (id: string) => overlapping.entries.find((r) => r.id === id)!.medals.byObjective['metrics.decodeTps'];
    expect([medal('x'), medal('y'), medal('z'), medal('w')]).toEqual(['gold', 'gold', 'bronze', undefined]);
    // Without significance the point values decide.
    const points = rankEntries(
      [entry('x', { decodeTps: stat(102, [95, 109]) }), entry('y', { decodeTps: stat(100, [93, 107]) })],
      { objectives: [{ metric: 'metrics.decodeTps', direction: 'max' }], significance: false },
    );
    expect(points.entries.map((r) => r.medals.byObjective['metrics.decodeTps'])).toEqual(['gold', 'silver']);
  });

  it('weights change the weighted score only', () => {
    const weighted = rankEntries(entries, { objectives: TPS_TTFT, weights: { 'metrics.decodeTps': 3 } });
    expect(weighted.entries.map((r) => r.weightedScore)).toEqual([
      (3 + 27 / 32) / 4, (3 * 44 / 64 + 1) / 4, (3 * 24 / 64 + 17 / 32) / 4, (3 + 27 / 32) / 4, 0, null, (3 * 54 / 64 + 29 / 32) / 4,
    ]);
    expect(weighted.entries.map((r) => r.front)).toEqual(ranking.entries.map((r) => r.front));
  });

  it('is JSON-safe (no Infinity) and attaches to a run result', () => {
    expect(JSON.parse(JSON.stringify(ranking))).toEqual(ranking);
    const result = { schemaVersion: 1, entries } as unknown as RunResult;
    const attached = attachRanking(result, { objectives: TPS_TTFT });
    expect(attached.ranking).toEqual(ranking);
    expect(attached.entries).toBe(result.entries);
  });
});

describe('significance-aware dominance', () => {
  const p = entry('p', { decodeTps: stat(100, [90, 110]), ttftMs: stat(10, [9, 11]) });

  it('an overlap on one objective leaves dominance to the others', () => {
    const q = entry('q', { decodeTps: stat(95, [85, 105]), ttftMs: stat(12, [11.5, 12.5]) });
    expect(rankEntries([p, q], { objectives: TPS_TTFT }).entries.map((r) => r.front)).toEqual([0, 1]);
  });

  it('overlaps on every objective: neither dominates', () => {
    const q = entry('q', { decodeTps: stat(95, [85, 105]), ttftMs: stat(12, [10.5, 13.5]) });
    expect(rankEntries([p, q], { objectives: TPS_TTFT }).entries.map((r) => r.front)).toEqual([0, 0]);
    expect(rankEntries([p, q], { objectives: TPS_TTFT, significance: false }).entries.map((r) => r.front)).toEqual([0, 1]);
  });

  it('touching intervals count as overlapping', () => {
    const q = entry('q', { decodeTps: stat(95, [85, 105]), ttftMs: stat(12, [11, 13]) });
    expect(rankEntries([p, q], { objectives: TPS_TTFT }).entries.map((r) => r.front)).toEqual([0, 0]);
  });

  it('a dominance cycle (intervals of different widths) forms one front, with a note', () => {
    // {value, stderr} estimates: stderr 0 is a point, stderr 60 spans ±117.6 and overlaps everything.
    const est = (value: number, stderr: number) => ({ value, stderr, n: 100 });
    const cyc = [
      entry('a', { quality: { t: { k1: est(10, 0), k2: est(5, 60), k3: est(0, 0) } } }),
      entry('b', { quality: { t: { k1: est(0, 0), k2: est(10, 0), k3: est(5, 60) } } }),
      entry('c', { quality: { t: { k1: est(5, 60), k2: est(0, 0), k3: est(10, 0) } } }),
    ];
    const objectives = ['k1', 'k2', 'k3'].map((k) => ({ metric: `metrics.quality.t.${k}`, direction: 'max' as const }));
    const ranking = rankEntries(cyc, { objectives });
    expect(ranking.entries.map((r) => [r.id, r.front, r.dominatedBy])).toEqual([
      ['a', 0, ['c']], ['b', 0, ['a']], ['c', 0, ['b']],
    ]);
    expect(ranking.notes.some((n) => n.includes('cycle'))).toBe(true);
  });
});

describe('missing values and objective selection', () => {
  const entries = [
    entry('a', { decodeTps: stat(100), ttftMs: stat(10), peakRssBytes: 2048 }),
    entry('b', { decodeTps: stat(50), ttftMs: stat(5), peakRssBytes: 1024 }),
    entry('m', { decodeTps: stat(200), ttftMs: null, peakRssBytes: 4096 }),
  ];

  it('exclude (default): an entry lacking a value is not ranked, and says why', () => {
    const ranking = rankEntries(entries, { objectives: TPS_TTFT });
    expect(ranking.entries.map((r) => [r.id, r.front, r.excluded])).toEqual([
      ['a', 0, null], ['b', 0, null], ['m', null, 'no value for metrics.ttftMs'],
    ]);
    expect(ranking.missing).toBe('exclude');
    expect(ranking.objectives[0]!.worst).toBe(50); // m's 200 is not in the normalisation
  });

  it('worst: the missing value is worse than any measured one', () => {
    const ranking = rankEntries(entries, { objectives: TPS_TTFT, missing: 'worst' });
    // m is best on decode tok/s and has no TTFT: nobody dominates it, it dominates nobody.
    expect(ranking.entries.map((r) => [r.id, r.front, r.excluded])).toEqual([['a', 0, null], ['b', 0, null], ['m', 0, null]]);
    expect(ranking.entries[2]!.values).toEqual({ 'metrics.decodeTps': 200, 'metrics.ttftMs': null });
    expect(ranking.entries[2]!.weightedScore).toBe(0.5);
  });

  it('default objectives: those no entry has, or only some have, are skipped and listed', () => {
    const ranking = rankEntries(entries);
    expect(ranking.objectives.map((o) => `${o.metric}:${o.direction}`)).toEqual(['metrics.decodeTps:max', 'metrics.peakRssBytes:min']);
    expect(ranking.skippedObjectives).toEqual([
      { metric: 'metrics.quality.*.acc', direction: 'max', reason: 'no entry has a metric matching metrics.quality.*.acc' },
      { metric: 'metrics.energy.joulesPerOutputToken', direction: 'min', reason: 'no ranked entry has metrics.energy.joulesPerOutputToken' },
      { metric: 'metrics.ttftMs', direction: 'min', reason: 'only 2 of 3 ok entries have it (name it as an objective to rank on it)' },
    ]);
    expect(ranking.entries.map((r) => r.front)).toEqual([0, 0, 0]); // every ok entry ranked
    expect(ranking.notes.filter((n) => n.includes('skipped'))).toHaveLength(3);
  });

  it('expands wildcards per task (with the direction a metric records), reads energy figures', () => {
    const energy = (j: number) => ({ joules: j * 10, joulesPerOutputToken: j, method: 'rapl', estimated: false, figures: [] });
    const withQuality = [
      entry('a', { decodeTps: stat(10), quality: { arc: { acc: { value: 0.5, stderr: 0.01, n: 100 } }, hs: { acc: { value: 0.25, stderr: 0.01, n: 100, higherIsBetter: true } } }, energy: energy(2) }),
      entry('b', { decodeTps: stat(20), quality: { arc: { acc: { value: 0.375, stderr: 0.01, n: 100 } }, ppl: { acc: { value: 9, stderr: 0.5, n: 10, higherIsBetter: false } } }, energy: energy(1) }),
    ];
    const defaults = rankEntries(withQuality);
    expect(defaults.objectives.map((o) => o.metric)).toEqual(['metrics.quality.arc.acc', 'metrics.decodeTps', 'metrics.energy.joulesPerOutputToken']);
    expect(defaults.skippedObjectives.map((s) => s.metric)).toEqual([
      'metrics.ttftMs', 'metrics.peakRssBytes', 'metrics.quality.hs.acc', 'metrics.quality.ppl.acc',
    ]);
    expect(defaults.entries.map((r) => r.front)).toEqual([0, 0]);
    expect(defaults.entries[1]!.values['metrics.energy.joulesPerOutputToken']).toBe(1);
    const named = rankEntries(withQuality, { objectives: [{ metric: 'metrics.quality.*.acc', direction: 'max' }], missing: 'worst' });
    expect(named.objectives.map((o) => [o.metric, o.direction, o.requested])).toEqual([
      ['metrics.quality.arc.acc', 'max', 'metrics.quality.*.acc'],
      ['metrics.quality.hs.acc', 'max', 'metrics.quality.*.acc'],
      ['metrics.quality.ppl.acc', 'min', 'metrics.quality.*.acc'],
    ]);
  });

  it('shorthand paths resolve under metrics.', () => {
    const ranking = rankEntries(entries, { objectives: [{ metric: 'peakRssBytes', direction: 'min' }] });
    expect(ranking.objectives[0]!.metric).toBe('metrics.peakRssBytes');
    expect(ranking.entries.map((r) => r.front)).toEqual([1, 0, 2]);
  });

  it('nothing rankable: every entry unranked, no hypervolume', () => {
    const ranking = rankEntries([{ id: 'x', status: 'skipped' }], { objectives: TPS_TTFT });
    expect(ranking.entries[0]!.front).toBeNull();
    expect(ranking.hypervolume).toBeNull();
    expect(ranking.objectives).toEqual([]);
  });
});

describe('resolveMetric', () => {
  it('reads statistics, numbers and estimates', () => {
    const e = { metrics: { decodeTps: stat(7, [6, 8]), peakRssBytes: 5, acc: { value: 0.5, stderr: 0.1 }, odd: stat(9, [6, 8]) } };
    expect(resolveMetric(e, 'metrics.decodeTps')).toEqual({ value: 7, low: 6, high: 8 });
    expect(resolveMetric(e, 'decodeTps')).toEqual({ value: 7, low: 6, high: 8 });
    expect(resolveMetric(e, 'metrics.peakRssBytes')).toEqual({ value: 5, low: 5, high: 5 });
    expect(resolveMetric(e, 'metrics.acc')).toEqual({ value: 0.5, low: 0.5 - 0.1 * Z95, high: 0.5 + 0.1 * Z95 });
    expect(resolveMetric(e, 'metrics.odd')).toEqual({ value: 9, low: 6, high: 9 }); // median outside the interval widens it
    // Measured statistics carry the median's own (bootstrap) interval: it wins over the mean's.
    expect(resolveMetric({ metrics: { t: { ...stat(7, [5, 9]), medianCi95: [6.5, 7.5] } } }, 'metrics.t')).toEqual({ value: 7, low: 6.5, high: 7.5 });
    expect(resolveMetric(e, 'metrics.nothing')).toBeNull();
    expect(resolveMetric({ metrics: { x: Number.NaN } }, 'metrics.x')).toBeNull();
  });
});

describe('crowdingDistance', () => {
  it('gives tied points the same gap, independent of order', () => {
    const points = [[0], [0.4], [0.4], [1]];
    expect(crowdingDistance(points)).toEqual([Infinity, 1, 1, Infinity]);
    expect(crowdingDistance([[1], [0.4], [0], [0.4]])).toEqual([Infinity, 1, Infinity, 1]);
  });

  it('sums over objectives and ignores an objective constant over the front', () => {
    expect(crowdingDistance([[0, 0.5], [0.25, 0.5], [0.75, 0.5], [1, 0.5]])).toEqual([Infinity, 0.75, 0.75, Infinity]);
  });
});

describe('hypervolume', () => {
  it('is exact on small sets in 1 to 3 dimensions', () => {
    expect(hypervolume([[3], [1]], [0])).toBe(3);
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [0, 0])).toBe(6);
    expect(hypervolume([[2, 1, 1], [1, 2, 1], [1, 1, 2]], [0, 0, 0])).toBe(4);
    expect(hypervolume([[2, 2, 2], [1, 1, 1]], [0, 0, 0])).toBe(8);
    expect(hypervolume([[3, 3], [1, 1]], [2, 2])).toBe(1); // points at or below the reference add nothing
    expect(hypervolume([], [0, 0])).toBe(0);
  });
});

describe('parseObjective', () => {
  it('reads PATH[:max|min] and infers known directions', () => {
    expect(parseObjective('metrics.decodeTps:max')).toEqual({ metric: 'metrics.decodeTps', direction: 'max' });
    expect(parseObjective('ttftMs')).toEqual({ metric: 'ttftMs', direction: 'min' });
    expect(parseObjective('metrics.quality.*.acc')).toEqual({ metric: 'metrics.quality.*.acc', direction: 'max' });
    expect(() => parseObjective('metrics.custom')).toThrow(UsageError);
    expect(() => parseObjective('metrics..x:max')).toThrow(/expected PATH/);
  });
});

describe('objectives an entry cannot measure (metrics.notMeasured)', () => {
  const objectives = [
    { metric: 'metrics.decodeTps', direction: 'max' as const },
    { metric: 'metrics.peakRssBytes', direction: 'min' as const },
  ];
  // r: a remote model; its peak RSS is the client's, so not applicable.
  const entries = [
    entry('a', { decodeTps: stat(100), peakRssBytes: 200 }),
    entry('b', { decodeTps: stat(50), peakRssBytes: 100 }),
    entry('r', { decodeTps: stat(80), peakRssBytes: 1, notMeasured: { memory: 'on the server' } }),
  ];

  it('reads as null, with or without the metrics. prefix', () => {
    expect(resolveMetric(entries[2], 'metrics.peakRssBytes')).toBeNull();
    expect(resolveMetric(entries[2], 'peakRssBytes')).toBeNull();
    expect(resolveMetric(entries[2], 'metrics.decodeTps')).toEqual({ value: 80, low: 80, high: 80 });
  });

  it('ties on it, scores over the rest, and is never excluded for it', () => {
    const ranking = rankEntries(entries, { objectives, significance: false });
    const byId = Object.fromEntries(ranking.entries.map((e) => [e.id, e]));
    // a beats r on decode (memory tied); r beats b on decode (memory tied); a and b trade off.
    expect([byId.a!.front, byId.r!.front, byId.b!.front]).toEqual([0, 1, 2]);
    expect(byId.r!.excluded).toBeNull();
    expect(byId.r!.values).toEqual({ 'metrics.decodeTps': 80, 'metrics.peakRssBytes': null });
    expect(byId.r!.weightedScore).toBeCloseTo(0.6, 12);
    expect(byId.a!.weightedScore).toBeCloseTo(0.5, 12);
    expect(byId.b!.weightedScore).toBeCloseTo(0.5, 12);
    expect(ranking.objectives[1]).toMatchObject({ count: 2, worst: 200, best: 100 });
    expect(ranking.notes).toContain(
      'objective metrics.peakRssBytes is not applicable to 1 entry that cannot measure it (metrics.notMeasured): tied on it, no credit for it',
    );
  });

  it('keeps a default objective that only such entries lack', () => {
    const ranking = rankEntries(entries.map((e) => ({ ...e, metrics: { ...e.metrics, ttftMs: stat(10) } })));
    expect(ranking.objectives.map((o) => o.metric)).toContain('metrics.peakRssBytes');
    expect(ranking.entries.every((e) => e.excluded === null)).toBe(true);
  });
});
