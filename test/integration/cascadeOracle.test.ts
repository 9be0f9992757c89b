/**
 * The oracle bound of a cascade (stories260K → llama-2-tiny-random, both on onnxruntime) on two accuracy
 * tasks, checked against the stages run as single entries with `--log-samples`: each stage's score is the
 * single model's, the oracle is the per-row best recomputed from their samples, no threshold scores above
 * it, and each threshold's headroom is the bound at its escalation rate minus its score.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OkEntryRecord } from '../../harness/result/EntryRecord.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

/** The tasks and their per-row metric: multiple choice scores acc, generation its first metric. */
const TASKS: [string, string][] = [
  ['story_cloze', 'acc'],
  ['simple_facts_qa', 'exact_match'],
];

describe.skipIf(!hasShared)(`cascade oracle bound ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('stage scores, the per-row best and the bound agree with the stages run alone, at every threshold', async () => {
    const dir = tempDir('cascade-oracle');
    const small = sharedPath('models/stories260K/transformersjs');
    const other = sharedPath('models/llama-2-tiny-random/transformersjs');
    const ort = '{ id: onnxruntime, intraOpThreads: 1 }';
    const config = join(dir, 'config.yaml');
    writeFileSync(config, [
      'sweep:',
      `  models: [${JSON.stringify(small)}, ${JSON.stringify(other)}]`,
      '  backends:',
      `    - ${ort}`,
      `    - { id: cascade, stages: [{ model: ${JSON.stringify(small)}, backend: ${ort} }, { model: ${JSON.stringify(other)}, backend: ${ort} }], threshold: [-.inf, -1.2, .inf] }`,
      '  workloads: [{ prompt: "", genTokens: 8 }]',
      'measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 2, maxRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1 }',
      `quality: { tasks: [${TASKS.map(([t]) => t).join(', ')}], limit: 16, logSamples: true }`,
      '',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await runCli(['run', '--config', config, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const entries = run.entries as OkEntryRecord[];
    const singles = entries.filter((e) => e.backend.id === 'onnxruntime');
    const cascades = entries.filter((e) => e.backend.id === 'cascade');
    expect([singles.length, cascades.length]).toEqual([2, 3]);
    expect(singles.every((e) => e.oracle === undefined)).toBe(true);

    /** Row → score of an entry's logged samples of `task` (acc, or the generation's `metric`). */
    const rowsOf = (e: OkEntryRecord, task: string) =>
      new Map(
        readFileSync(join(out, 'samples', `${e.id}.jsonl`), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { taskId: string; row: number; acc?: number; scores?: Record<string, number> })
          .filter((s) => s.taskId === task)
          .map((s) => [s.row, s.acc ?? s.scores!.exact_match!]),
      );
    const [first, second] = singles;
    for (const cascade of cascades) {
      expect(cascade.oracle!.map((o) => [o.task, o.metric])).toEqual(TASKS);
      for (const o of cascade.oracle!) {
        const a = rowsOf(first!, o.task);
        const b = rowsOf(second!, o.task);
        expect(o.rows).toBe(a.size);
        // Each stage alone scores as its single entry.
        expect(o.stages.map((s) => s.score)).toEqual([first!, second!].map((e) => e.metrics.quality![o.task]![o.metric]!.value));
        // The oracle is the per-row best, answered by the earliest stage that has it.
        const best = [...a].map(([row, acc]) => Math.max(acc, b.get(row)!));
        expect(o.oracle.score).toBeCloseTo(best.reduce((x, y) => x + y, 0) / best.length, 12);
        const later = [...a].filter(([row, acc]) => b.get(row)! > acc).length;
        expect(o.oracle.escalationRate).toBeCloseTo(later / a.size, 12);
        // The cascade as routed is the cascade's own score; nothing routed beats the oracle.
        expect(o.cascade.score).toBeCloseTo(cascade.metrics.quality![o.task]![o.metric]!.value, 12);
        expect(o.cascade.score).toBeLessThanOrEqual(o.oracle.score + 1e-12);
        expect(o.headroom).toBeGreaterThanOrEqual(-1e-12);
        expect(o.headroom).toBeCloseTo(o.boundAtCascadeRate - o.cascade.score, 12);
        // The bound starts at stage 0, never falls and ends at the oracle.
        expect(o.bound[0]).toEqual({ escalationRate: 0, score: o.stages[0]!.score });
        expect(o.bound.at(-1)!.score).toBeCloseTo(o.oracle.score, 12);
        o.bound.slice(1).forEach((p, i) => expect(p.score).toBeGreaterThanOrEqual(o.bound[i]!.score));
      }
    }
    const byThreshold = new Map(cascades.map((c) => [String(c.backend.options.threshold), c]));
    for (const o of byThreshold.get('-inf')!.oracle!) expect([o.cascade.escalationRate, o.cascade.score]).toEqual([0, o.stages[0]!.score]);
    for (const o of byThreshold.get('inf')!.oracle!) expect([o.cascade.escalationRate, o.cascade.score]).toEqual([1, o.stages[1]!.score]);
  }, 300_000);
});
