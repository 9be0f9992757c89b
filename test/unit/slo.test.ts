/**
 * Latency budgets: the Wilson interval, the presets, attainment per repetition (TTFT, TPOT, the 99th
 * percentile of its gaps, end-to-end), and the ranking that leaves entries missing the budget off the front.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { rankEntries } from '../../harness/ranking/rankEntries.js';
import { resolveSlo } from '../../harness/slo/resolveSlo.js';
import { sloAttainment } from '../../harness/slo/sloAttainment.js';
import { SLO_PRESETS } from '../../harness/slo/sloPresets.js';
import { wilsonInterval } from '../../harness/stats/wilsonInterval.js';

describe('wilsonInterval', () => {
  it('matches the closed form and stays in [0, 1]', () => {
    // 5 of 10 at 95%: centre 0.5, half-width 1.96·√(0.025 + 0.0096) ÷ 1.384 = 0.2634.
    const [low, high] = wilsonInterval(5, 10);
    expect(low).toBeCloseTo(0.2365931, 6);
    expect(high).toBeCloseTo(0.7634069, 6);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.2775328, 6);
    // Symmetric: 10 of 10 mirrors 0 of 10.
    expect(wilsonInterval(10, 10)[0]).toBeCloseTo(1 - wilsonInterval(0, 10)[1], 14);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe('presets and resolveSlo', () => {
  it('has the documented presets and lets bounds override them', () => {
    expect(SLO_PRESETS).toEqual({ voice: { e2eMs: 100 }, chat: { ttftMs: 200, itlP99Ms: 50 }, 'mlperf-interactive': { ttftMs: 500, tpotMs: 30 }, reading: { tpotMs: 200 } });
    expect(resolveSlo('chat')).toEqual({ preset: 'chat', bounds: { ttftMs: 200, itlP99Ms: 50 }, target: 0.9 });
    expect(resolveSlo({ preset: 'chat', ttftMs: 100, target: 0.99 })).toEqual({ preset: 'chat (adjusted)', bounds: { ttftMs: 100, itlP99Ms: 50 }, target: 0.99 });
    expect(resolveSlo({ e2eMs: 250 })).toEqual({ preset: 'custom', bounds: { e2eMs: 250 }, target: 0.9 });
  });

  it('refuses an unknown preset, an empty budget, and requireSlo without a budget', () => {
    expect(() => parseConfig({ sweep: { models: ['m.gguf'] }, slo: 'fast' })).toThrow(/^config: slo/);
    expect(() => parseConfig({ sweep: { models: ['m.gguf'] }, slo: { target: 0.5 } })).toThrow(/name a preset or at least one bound/);
    expect(() => parseConfig({ sweep: { models: ['m.gguf'] }, ranking: { requireSlo: true } })).toThrow('config: ranking.requireSlo: needs an slo (a preset name or bounds) to require');
    expect(parseConfig({ sweep: { models: ['m.gguf'] }, slo: 'voice', ranking: { requireSlo: true } }).ranking).toEqual({ requireSlo: true });
  });
});

describe('sloAttainment', () => {
  const rep = (ttftMs: number, tpotMs: number | null, e2eMs: number, itlMs: number[]) => ({ ttftMs, tpotMs, e2eMs, itlMs });

  it('checks every bound on each repetition, the gaps by their own 99th percentile', () => {
    const reps = [
      rep(150, 20, 400, [20, 20, 20]), // within
      rep(250, 20, 500, [20, 20, 20]), // TTFT past 200
      rep(100, 20, 300, [20, 20, 200]), // gap p99 = 20 + 0.98·180 = 196.4 past 50
      rep(300, 30, 600, [40, 60, 80]), // both
      rep(180, null, 180, []), // one token: no TPOT or gaps to break a bound
    ];
    const slo = sloAttainment('chat', SLO_PRESETS.chat!, 0.9, reps);
    expect(slo).toEqual({ preset: 'chat', bounds: { ttftMs: 200, itlP99Ms: 50 }, attainment: 0.4, ci95: wilsonInterval(2, 5), n: 5, target: 0.9, met: false, misses: { ttftMs: 2, itlP99Ms: 2 } });
    expect(sloAttainment('reading', SLO_PRESETS.reading!, 0.9, reps).met).toBe(true);
    expect(sloAttainment('voice', SLO_PRESETS.voice!, 0.2, reps)).toMatchObject({ attainment: 0, met: false, misses: { e2eMs: 5 } });
    expect(sloAttainment('voice', SLO_PRESETS.voice!, 0.9, [])).toMatchObject({ n: 0, met: false });
  });
});

describe('ranking.requireSlo', () => {
  const entry = (id: string, decode: number, met: boolean | undefined) => ({
    id,
    status: 'ok',
    metrics: { decodeTps: { median: decode, n: 3, medianCi95: [decode, decode] }, ...(met === undefined ? {} : { slo: { preset: 'chat', met, attainment: met ? 0.95 : 0.4, target: 0.9 } }) },
  });

  it('leaves entries that miss the budget unranked, with the reason; without it they are ranked', () => {
    const entries = [entry('fast-miss', 300, false), entry('slow-meet', 100, true), entry('unjudged', 50, undefined)];
    const objectives = [{ metric: 'metrics.decodeTps', direction: 'max' as const }];
    const required = rankEntries(entries, { objectives, requireSlo: true });
    expect(required.entries.map((e) => [e.id, e.front, e.excluded])).toEqual([
      ['fast-miss', null, 'misses the latency budget chat (40% of requests within it, 90% required)'],
      ['slow-meet', 0, null],
      ['unjudged', 1, null],
    ]);
    expect(required.notes).toContain('1 entry misses the latency budget and is not ranked (ranking.requireSlo)');
    expect(rankEntries(entries, { objectives }).entries.map((e) => e.front)).toEqual([0, 1, 2]);
  });
});
