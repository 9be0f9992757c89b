/**
 * A cascade's decode figures count what it streams after its held-back probe: at threshold -inf
 * (stories260K on onnxruntime first, llama-2-tiny-random after it, never asked) it decodes no faster than
 * stage 0 alone. Before hand-overs were counted as one gap its 16 held-back tokens came 0 ms apart and
 * doubled its decode rate at 32 output tokens (5,136 against 2,620 tok/s reported). End-to-end time is a
 * ranking objective of a run with composites, and the Pareto fronts on it and on the decode rate agree.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { runInterleaved } from '../../harness/gate/runInterleaved.js';
import type { Objective } from '../../harness/ranking/Objective.js';
import { rankEntries } from '../../harness/ranking/rankEntries.js';
import type { OkEntryRecord } from '../../harness/result/EntryRecord.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const GEN = 32;
const SIGNAL = 16;

describe.skipIf(!hasShared)(`cascade timing ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('at -inf the cascade decodes at its stage 0\'s rate: decode figures start after the probe, no 0 ms gaps', async () => {
    const dir = tempDir('cascade-timing');
    const small = sharedPath('models/stories260K/transformersjs');
    const other = sharedPath('models/llama-2-tiny-random/transformersjs');
    const ort = '{ id: onnxruntime, intraOpThreads: 1 }';
    const stages = `[{ model: ${JSON.stringify(small)}, backend: ${ort} }, { model: ${JSON.stringify(other)}, backend: ${ort} }]`;
    const measure = 'measure: { warmupRuns: 3, warmupSeconds: 1, minRepetitions: 30, maxRepetitions: 400, minSeconds: 2, targetCiWidth: null, processes: 4 }';
    const config = (backend: string, models: string) => parseConfig(parseYaml([
      'sweep:',
      models,
      `  backends: [${backend}]`,
      `  workloads: [{ prompt: "", genTokens: ${GEN} }]`,
      measure,
    ].join('\n')));
    // Stage 0 alone and the cascade, their worker processes interleaved (the host's drift falls on both).
    const outcome = await runInterleaved({
      baseline: { config: config(ort, `  models: [${JSON.stringify(small)}]`), baseDir: dir, source: 'stage 0 alone' },
      current: { config: config(`{ id: cascade, stages: ${stages}, signalTokens: ${SIGNAL}, threshold: -.inf }`, ''), baseDir: dir, source: 'cascade' },
      out: join(dir, 'ab'),
      seed: 1,
    });
    const alone = outcome.baseline.result.entries[0] as OkEntryRecord;
    const cascade = outcome.current.result.entries[0] as OkEntryRecord;
    expect([alone.backend.id, cascade.backend.id]).toEqual(['onnxruntime', 'cascade']);
    // The same greedy ids: stage 0 answers.
    expect(cascade.outputs.tokenIds).toEqual(alone.outputs.tokenIds);

    expect(alone.measurement.firstHandoverTokens).toBe(1);
    expect(cascade.measurement.tokenHandover).toBe('batch');
    expect(cascade.measurement.firstHandoverTokens).toBe(SIGNAL);
    // One gap per hand-over after the probe's: GEN − SIGNAL per repetition, none of 0 ms.
    expect(cascade.samples!.itlMs.map((g) => g.length)).toEqual(cascade.samples!.itlMs.map(() => GEN - SIGNAL));
    expect(cascade.samples!.itlMs.flat().every((g) => g > 0)).toBe(true);
    expect(alone.samples!.itlMs.map((g) => g.length)).toEqual(alone.samples!.itlMs.map(() => GEN - 1));
    // TPOT is the decode span over the tokens after the probe, so rate × TPOT is 1 s per repetition.
    cascade.samples!.decodeTps.forEach((tps, i) => expect(tps * cascade.samples!.tpotMs[i]!).toBeCloseTo(1000, 6));

    // No faster than stage 0 alone (a session step costs at least generate()'s), within this machine's
    // noise: the old count read (GEN − 1) ÷ (GEN − SIGNAL) ≈ 2× faster. The margin is for noise, not the effect.
    const ratio = cascade.metrics.decodeTps!.median / alone.metrics.decodeTps!.median;
    expect(ratio, `cascade ${cascade.metrics.decodeTps!.median} against ${alone.metrics.decodeTps!.median} tok/s`).toBeLessThan(1.5);

    // Composites in the run: end-to-end time is an objective, after TTFT.
    const ranking = rankEntries([alone, cascade]);
    expect(ranking.objectives.map((o) => o.metric).slice(0, 4)).toEqual(['metrics.decodeTps', 'metrics.ttftMs', 'metrics.e2eMs', 'metrics.peakRssBytes']);
    expect(ranking.notes).toContain('objective metrics.e2eMs (min) added: the entries hold composite strategies, whose whole request neither TTFT nor the decode rate says alone');
    expect(rankEntries([alone]).objectives.map((o) => o.metric)).not.toContain('metrics.e2eMs');

    // The fronts on the corrected decode rate and on end-to-end time agree (with memory, which the cascade's
    // second model costs): stage 0 alone dominates the never-escalating cascade on both. The uncounted
    // probe's 0 ms gaps put the cascade on front 0 by decode rate alone.
    const fronts = (speed: Objective) =>
      rankEntries([alone, cascade], { objectives: [speed, { metric: 'metrics.peakRssBytes', direction: 'min' }] }).entries.map((e) => e.front);
    const byDecode = fronts({ metric: 'metrics.decodeTps', direction: 'max' });
    const byE2e = fronts({ metric: 'metrics.e2eMs', direction: 'min' });
    const seen = `decode ${cascade.metrics.decodeTps!.median} vs ${alone.metrics.decodeTps!.median} tok/s, e2e ${cascade.metrics.e2eMs!.median} vs ${alone.metrics.e2eMs!.median} ms, RSS ${cascade.metrics.peakRssBytes} vs ${alone.metrics.peakRssBytes} bytes`;
    expect(byDecode, seen).toEqual(byE2e);
    expect(byE2e, seen).toEqual([0, 1]);
  }, 240_000);
});
