/**
 * A cascade's decode figures count what it streams after its held-back probe: at threshold -inf
 * (stories260K on onnxruntime first, llama-2-tiny-random after it, never asked) it decodes no faster than
 * stage 0 alone. Before hand-overs were counted as one gap its 16 held-back tokens came 0 ms apart and
 * doubled its decode rate at 32 output tokens (5,136 against 2,620 tok/s reported). End-to-end time is a
 * ranking objective of a run with composites.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OkEntryRecord } from '../../harness/result/EntryRecord.js';
import type { RankedRunResult } from '../../harness/ranking/attachRanking.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const GEN = 32;
const SIGNAL = 16;

describe.skipIf(!hasShared)(`cascade timing ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('at -inf the cascade decodes at its stage 0\'s rate: decode figures start after the probe, no 0 ms gaps', async () => {
    const dir = tempDir('cascade-timing');
    const small = sharedPath('models/stories260K/transformersjs');
    const other = sharedPath('models/llama-2-tiny-random/transformersjs');
    const stages = `[{ model: ${JSON.stringify(small)}, backend: { id: onnxruntime, intraOpThreads: 1 } }, { model: ${JSON.stringify(other)}, backend: { id: onnxruntime, intraOpThreads: 1 } }]`;
    const config = join(dir, 'config.yaml');
    writeFileSync(config, [
      'sweep:',
      `  models: [${JSON.stringify(small)}]`,
      '  backends:',
      '    - { id: onnxruntime, intraOpThreads: 1 }',
      `    - { id: cascade, stages: ${stages}, signalTokens: ${SIGNAL}, threshold: -.inf }`,
      `  workloads: [{ prompt: "", genTokens: ${GEN} }]`,
      'measure: { warmupRuns: 3, warmupSeconds: 0.3, minRepetitions: 30, maxRepetitions: 30, minSeconds: 0, targetCiWidth: null, processes: 1 }',
      '',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await runCli(['run', '--config', config, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RankedRunResult;
    const [alone, cascade] = run.entries as OkEntryRecord[];
    expect([alone!.backend.id, cascade!.backend.id]).toEqual(['onnxruntime', 'cascade']);
    // The same greedy ids: stage 0 answers.
    expect(cascade!.outputs.tokenIds).toEqual(alone!.outputs.tokenIds);

    expect(alone!.measurement.firstHandoverTokens).toBe(1);
    expect(cascade!.measurement.tokenHandover).toBe('batch');
    expect(cascade!.measurement.firstHandoverTokens).toBe(SIGNAL);
    // One gap per hand-over after the probe's: GEN − SIGNAL per repetition, none of 0 ms.
    expect(cascade!.samples!.itlMs.map((g) => g.length)).toEqual(cascade!.samples!.itlMs.map(() => GEN - SIGNAL));
    expect(cascade!.samples!.itlMs.flat().every((g) => g > 0)).toBe(true);
    expect(alone!.samples!.itlMs.map((g) => g.length)).toEqual(alone!.samples!.itlMs.map(() => GEN - 1));
    // TPOT is the decode span over the tokens after the probe, so rate × TPOT is 1 s per repetition.
    cascade!.samples!.decodeTps.forEach((tps, i) => expect(tps * cascade!.samples!.tpotMs[i]!).toBeCloseTo(1000, 6));

    // No faster than stage 0 alone (sessions cost at least generate()'s per token); the old count read
    // (GEN − 1) ÷ (GEN − SIGNAL) ≈ 1.9× faster. The margin is for this machine's noise, not the effect.
    const ratio = cascade!.metrics.decodeTps!.median / alone!.metrics.decodeTps!.median;
    expect(ratio, `cascade ${cascade!.metrics.decodeTps!.median} against ${alone!.metrics.decodeTps!.median} tok/s`).toBeLessThan(1.3);

    // Composites in the run: end-to-end time is an objective, after TTFT.
    const objectives = run.ranking!.objectives.map((o) => o.metric);
    expect(objectives.slice(0, 4)).toEqual(['metrics.decodeTps', 'metrics.ttftMs', 'metrics.e2eMs', 'metrics.peakRssBytes']);
    expect(run.ranking!.notes).toContain('objective metrics.e2eMs (min) added: the entries hold composite strategies, whose whole request neither TTFT nor the decode rate says alone');
  }, 180_000);
});
