import { describe, expect, it } from 'vitest';
import type { CompositeModelInfo, CompositeRequest } from '../../adapters/composite-common/CompositeModelInfo.js';
import { compositeSummary } from '../../adapters/composite-common/compositeSummary.js';
import { describeCompositeEntry } from '../../adapters/composite-common/describeCompositeEntry.js';

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

  it('names the vocabulary of the recorded outputs: the stage that answered the measured loop', () => {
    const stages = [{ ...stage('small'), vocabSize: 512 }, { ...stage('big'), vocabSize: 32000 }];
    const escalated = compositeSummary({ kind: 'cascade', stages }, [request(1, 30, 20), request(1, 31, 21)], null, null);
    expect(escalated.outputs).toEqual({ stage: 1, name: 'big', vocabSize: 32000 });
    const kept = compositeSummary({ kind: 'cascade', stages }, [request(0, 3, 2)], null, null);
    expect(kept.outputs).toEqual({ stage: 0, name: 'small', vocabSize: 512 });
    expect(compositeSummary({ kind: 'ensemble', stages }, [request(-1, 3, 2)], null, null).outputs).toEqual({ stage: 0, name: 'small', vocabSize: 512 });
    expect(compositeSummary({ kind: 'cascade', stages }, [], null, null).outputs).toBeUndefined();
  });

  it('the local share: requests and prompt tokens answered without the served stage', () => {
    const served = { kind: 'cascade' as const, stages: [stage('small'), stage('server', true)], requests: [] };
    const withTokens = (r: CompositeRequest, promptTokens: number): CompositeRequest => ({ ...r, promptTokens });
    const tasks = [withTokens(request(0, 1, 1), 10), withTokens(request(1, 9, 1), 30), withTokens(request(0, 1, 1), 20), withTokens(request(0, 1, 1), 40)];
    const summary = compositeSummary(served, [withTokens(request(1, 9, 1), 5)], tasks, null);
    expect(summary.tasks!.local).toEqual({ requests: 0.75, promptTokens: 70 / 100 });
    expect(summary.measured.local).toEqual({ requests: 0, promptTokens: 0 });
    // Without token counts (older logs) the token share is unknown; with no served stage everything is local.
    expect(compositeSummary(info('cascade'), [request(1, 5, 4)], null, null).measured.local).toEqual({ requests: 1, promptTokens: null });
    expect(compositeSummary({ ...served, kind: 'ensemble' }, [withTokens(request(-1, 5, 4), 8)], null, null).measured.local).toEqual({ requests: 0, promptTokens: 0 });
  });
});

describe('describeCompositeEntry: the privacy axis', () => {
  const withTokens = (r: CompositeRequest, promptTokens: number): CompositeRequest => ({ ...r, promptTokens });
  const describe2 = (stages: CompositeModelInfo['stages'], tasks: CompositeRequest[] | null) =>
    describeCompositeEntry('cascade', {
      processes: [{ info: {} as never, phases: { measured: { stages, requests: [withTokens(request(0, 10, 8), 8)] }, ...(tasks ? { quality: { stages, requests: tasks } } : {}) } }],
      energy: null,
    });

  it('sends off the device the share of the tasks\' requests a served stage answered, and of their prompt tokens', () => {
    const tasks = [withTokens(request(0, 10, 10), 10), withTokens(request(1, 40, 30), 30), withTokens(request(0, 20, 10), 20), withTokens(request(1, 5, 5), 40)];
    const d = describe2([stage('small'), stage('big', true)], tasks);
    expect(d.metrics).toEqual({
      escalationRate: 0.5,
      privacy: { dataLeavesDevice: 0.5, promptTokensLeaveDevice: 70 / 100, method: "measured: the share of the accuracy tasks' requests a served stage answered" },
    });
  });

  it('keeps everything on the device when no stage is served, escalated or not', () => {
    const d = describe2([stage('small'), stage('big')], [withTokens(request(1, 40, 30), 30)]);
    expect((d.metrics as { privacy: unknown }).privacy).toEqual({ dataLeavesDevice: 0, promptTokensLeaveDevice: 0, method: 'local: every stage runs on this device' });
    // Without tasks, the measured loop's requests.
    expect((describe2([stage('small'), stage('big', true)], null).metrics as { privacy: unknown }).privacy).toEqual({
      dataLeavesDevice: 0,
      promptTokensLeaveDevice: 0,
      method: "measured: the share of the measured loop's requests a served stage answered",
    });
  });
});
