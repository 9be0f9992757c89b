/**
 * Composite backends through `slmbench run`: a cascade threshold sweep and an ensemble beside the single
 * model, in one sweep, with accuracy tasks; their records (stage models, escalation rates per phase,
 * branches), greedy outputs against the golden ids, and accuracy against the single model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

describe.skipIf(!hasShared)(`composite backends in slmbench run ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('runs a cascade threshold sweep and an ensemble beside the single model, with tasks', async () => {
    const dir = tempDir('composite');
    const gguf = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
    const onnx = sharedPath('models/stories260K/transformersjs');
    const golden = JSON.parse(readFileSync(sharedPath('models/stories260K/golden_greedy.json'), 'utf8')) as {
      cases: Array<{ prompt: string; greedy_ids: number[] }>;
    };
    const bosCase = golden.cases.find((c) => c.prompt === '')!;
    // llama.cpp with the numerics of the ONNX backends, so the stages agree on log-probabilities.
    const llama = '{ id: llama-cpp, kvCacheType: f32, flashAttention: false }';
    const stages = `[{ model: ${JSON.stringify(gguf)}, backend: ${llama} }, { model: { path: ${JSON.stringify(onnx)}, name: stories260K-onnx }, backend: onnxruntime }]`;
    const config = join(dir, 'config.yaml');
    writeFileSync(config, [
      'sweep:',
      `  models: [${JSON.stringify(gguf)}]`,
      '  backends:',
      `    - ${llama}`,
      `    - { id: cascade, stages: ${stages}, signal: meanLogprob, threshold: [-.inf, -0.6, .inf] }`,
      `    - { id: ensemble, stages: ${stages} }`,
      '  workloads: [{ prompt: "", genTokens: 64 }]',
      'measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 2, maxRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1 }',
      'quality: { tasks: [story_cloze, simple_facts_qa], limit: 12 }',
      '',
    ].join('\n'));
    const out = join(dir, 'out');
    const result = await runCli(['run', '--config', config, '--out', out]);
    expect(result.stderr).not.toMatch(/errored/);
    expect(result.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(run.entries.map((e) => [e.status, e.backend.id, e.model.name])).toEqual([
      ['ok', 'llama-cpp', 'stories260K-f32'],
      ['ok', 'cascade', 'stories260K-f32 → stories260K-onnx'],
      ['ok', 'cascade', 'stories260K-f32 → stories260K-onnx'],
      ['ok', 'cascade', 'stories260K-f32 → stories260K-onnx'],
      ['ok', 'ensemble', 'stories260K-f32 + stories260K-onnx'],
    ]);
    const [single, never, middle, always, ensemble] = run.entries;
    expect(never!.backend.options.threshold).toBe('-inf');
    expect(middle!.backend.options.threshold).toBe(-0.6);
    expect(always!.backend.options.threshold).toBe('inf');

    // Every strategy reproduces the greedy ids: both stages hold the same weights.
    for (const entry of run.entries) expect(entry.outputs!.tokenIds).toEqual(bosCase.greedy_ids);

    // The composite's model lists its stages, each inspected like a single model.
    expect(never!.model.format).toBe('composite');
    expect(never!.model.stages!.map((s) => [s.name, s.format])).toEqual([
      ['stories260K-f32', 'gguf'],
      ['stories260K-onnx', 'transformers-js'],
    ]);
    expect(never!.model.stages![0]!.sha256).toBe(single!.model.sha256);
    expect(never!.model.sizeBytes).toBe(never!.model.stages![0]!.sizeBytes! + never!.model.stages![1]!.sizeBytes!);

    // Escalation: never at -inf, always at +inf, monotone between, in the measured loop and over the tasks.
    const rate = (e: typeof never) => [e!.composite!.measured.escalationRate, e!.composite!.tasks!.escalationRate];
    expect(rate(never)).toEqual([0, 0]);
    expect(rate(always)).toEqual([1, 1]);
    const middleRate = middle!.composite!.tasks!.escalationRate!;
    // -0.6 sits among stories260K's confidences on these prompts: some requests escalate, some do not.
    expect(middleRate).toBeGreaterThan(0);
    expect(middleRate).toBeLessThan(1);
    expect(middle!.composite!.tasks!.branches.map((b) => b.stage)).toEqual([0, 1]);
    expect(middle!.metrics!.escalationRate).toBe(middleRate);
    // 12 story cloze rows (2 choices sharing one context each) and 12 questions.
    const tasks = never!.composite!.tasks!;
    expect(tasks.requests).toBe(12 * 2 + 12);
    expect(tasks.cachedDecisions).toBe(12);
    expect(tasks.branches.map((b) => [b.stage, b.name, b.requests])).toEqual([[0, 'stories260K-f32', 36]]);
    expect(always!.composite!.tasks!.branches.map((b) => [b.stage, b.name, b.requests])).toEqual([[1, 'stories260K-onnx', 36]]);
    expect(never!.composite!.measured.requests).toBe(2);
    expect(never!.composite!.energyMethod).toMatch(/^apportioned by CPU time from estimate/);
    expect(never!.composite!.measured.branches[0]!.joulesPerRequest).toBeGreaterThan(0);

    // Accuracy: the cascade that never escalates is the first model; the one that always does, the second
    // (the same weights, so the same answers).
    expect(never!.metrics!.quality).toEqual(single!.metrics!.quality);
    expect(always!.metrics!.quality!.story_cloze!.acc!.value).toBe(single!.metrics!.quality!.story_cloze!.acc!.value);
    expect(always!.metrics!.quality!.simple_facts_qa).toEqual(single!.metrics!.quality!.simple_facts_qa);
    // An ensemble of a model with itself answers as the model.
    expect(ensemble!.metrics!.quality!.story_cloze!.acc!.value).toBe(single!.metrics!.quality!.story_cloze!.acc!.value);
    expect(ensemble!.metrics!.escalationRate).toBeUndefined();
    expect(ensemble!.composite!.kind).toBe('ensemble');
    expect(ensemble!.composite!.tasks!.branches.map((b) => [b.stage, b.name])).toEqual([[-1, 'stories260K-f32 + stories260K-onnx']]);

    // Both local stages are measured: no "not measured" note, energy labelled.
    expect(never!.metrics!.notMeasured).toBeUndefined();
    expect(never!.metrics!.energy!.estimated).toBe(true);
  });
});
