import { describe, expect, it } from 'vitest';
import type { CompositeModelInfo, CompositeRequest } from '../../adapters/composite-common/CompositeModelInfo.js';
import { compositeSummary } from '../../adapters/composite-common/compositeSummary.js';

const stage = (name: string, remote = false): CompositeModelInfo['stages'][number] => ({
  name,
  backend: 'llama-cpp',
  versions: {},
  resolvedOptions: {},
  device: 'cpu',
  vocabSize: 512,
  remote,
});
const info = (kind: 'cascade' | 'ensemble'): CompositeModelInfo => ({ kind, stages: [stage('small'), stage('big')], requests: [] });
const request = (stage: number, ms: number, cpuMs: number, cached = false): CompositeRequest => ({
  kind: 'generate',
  stage,
  signals: [],
  cached,
  ms,
  cpuMs,
});

describe('compositeSummary', () => {
  it('splits a cascade by answering stage, with escalation rate and energy apportioned by CPU time', () => {
    const measured = [request(0, 10, 8), request(0, 12, 12)];
    const tasks = [request(0, 10, 10), request(1, 40, 30), request(1, 60, 50, true), request(0, 20, 10)];
    const summary = compositeSummary(info('cascade'), measured, tasks, { joules: 4, method: 'estimate (cpu-time)' });
    // 4 J over 20 CPU-ms of the measured loop: 0.2 J per CPU-ms.
    expect(summary.energyMethod).toBe('apportioned by CPU time from estimate (cpu-time)');
    expect(summary.energyEstimated).toBe(true);
    expect(summary.measured.requests).toBe(2);
    expect(summary.measured.escalated).toBe(0);
    expect(summary.measured.escalationRate).toBe(0);
    expect(summary.measured.branches).toHaveLength(1);
    expect(summary.measured.branches[0]!.joulesPerRequest).toBeCloseTo(0.2 * 10, 12);
    const t = summary.tasks!;
    expect([t.requests, t.escalated, t.escalationRate, t.cachedDecisions]).toEqual([4, 2, 0.5, 1]);
    expect(t.branches.map((b) => [b.stage, b.name, b.requests, b.share, b.ms.median, b.cpuMs.mean])).toEqual([
      [0, 'small', 2, 0.5, 15, 10],
      [1, 'big', 2, 0.5, 50, 40],
    ]);
    expect(t.branches[0]!.joulesPerRequest).toBeCloseTo(2, 12);
    expect(t.branches[1]!.joulesPerRequest).toBeCloseTo(8, 12);
  });

  it('reports an ensemble as one branch of every stage, without an escalation rate', () => {
    const summary = compositeSummary(info('ensemble'), [request(-1, 5, 4), request(-1, 7, 6)], null, null);
    expect(summary.tasks).toBeNull();
    expect(summary.energyMethod).toBeNull();
    expect(summary.measured.escalated).toBeNull();
    expect(summary.measured.escalationRate).toBeNull();
    expect(summary.measured.branches.map((b) => [b.stage, b.name, b.requests, b.share, b.joulesPerRequest])).toEqual([[-1, 'small + big', 2, 1, null]]);
  });
});
