/**
 * Accuracy through `slmbench run`: suites, tasks and perplexity texts run on every entry, their metrics in
 * the same entry as speed, memory and energy; identical accuracy across the three backends on the same
 * weights; per-sample logs; bad task input stops the run with exit 2.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

describe.skipIf(!hasShared)(`accuracy in slmbench run ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('runs the quick-quality suite and a perplexity text on all three backends, next to the speed numbers', async () => {
    const dir = tempDir('quality');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'Once upon a time there was a cat.\n===\nThe dog ran to the park and played.\n===\nLily had a red ball.\n');
    const config = join(dir, 'config.yaml');
    writeFileSync(config, [
      'sweep:',
      `  models: [${JSON.stringify(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'))}, ${JSON.stringify(sharedPath('models/stories260K/transformersjs'))}]`,
      // Same numerics on every backend: llama.cpp's f16 defaults would move log-likelihoods slightly.
      '  backends: [{ id: llama-cpp, kvCacheType: f32, flashAttention: false }, { id: onnxruntime }, { id: transformers-js }]',
      '  workloads: [{ promptTokens: 16, genTokens: 8 }]',
      'measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 2, maxRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1 }',
      'quality:',
      '  suites: [quick-quality]',
      '  perplexity: [{ file: notes.txt, separator: "\\n===\\n", id: notes }]',
      '  limit: 10',
      '  logSamples: true',
      '',
    ].join('\n'));
    const out = join(dir, 'out');
    const result = await runCli(['run', '--config', config, '--out', out]);
    expect(result.stderr).not.toMatch(/errored/);
    expect(result.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const ok = run.entries.filter((e) => e.status === 'ok');
    expect(ok.map((e) => e.backend.id)).toEqual(['llama-cpp', 'onnxruntime', 'transformers-js']);
    for (const entry of ok) {
      const quality = entry.metrics!.quality!;
      expect(Object.keys(quality)).toEqual(['arithmetic', 'unit_conversion', 'simple_facts', 'story_cloze', 'heldout_perplexity', 'notes']);
      expect(quality.story_cloze!.acc).toMatchObject({ n: 10, higherIsBetter: true });
      expect(quality.story_cloze!.acc!.stderr).toBeGreaterThan(0);
      expect(quality.notes!.token_perplexity!.n).toBe(3);
      expect(quality.notes!.bits_per_byte!.value).toBeGreaterThan(0);
      // Speed, memory and energy in the same entry.
      expect(entry.metrics!.decodeTps!.median).toBeGreaterThan(0);
      expect(entry.metrics!.energy!.joulesPerOutputToken).toBeGreaterThan(0);
      // Provenance of the data used.
      expect(entry.quality!.find((t) => t.taskId === 'story_cloze')!.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(join(out, 'samples', `${entry.id}.jsonl`))).toBe(true);
    }
    // The same weights give the same accuracy on every backend, and perplexity within 0.1%.
    const [a, b, c] = ok.map((e) => e.metrics!.quality!);
    for (const task of ['arithmetic', 'unit_conversion', 'simple_facts', 'story_cloze']) {
      expect(b![task]).toEqual(a![task]);
      expect(c![task]).toEqual(a![task]);
    }
    for (const q of [b!, c!]) {
      const ref = a!.notes!.token_perplexity!.value;
      expect(Math.abs(q.notes!.token_perplexity!.value - ref) / ref).toBeLessThan(1e-3);
    }
    expect(result.stdout).toContain('story_cloze acc');
  });

  it('refuses an unknown suite before anything runs', async () => {
    const dir = tempDir('quality-bad');
    const result = await runCli([
      'run', '--model', sharedPath('models/stories260K/gguf/stories260K-f32.gguf'), '--suite', 'quick-qualty', '--out', join(dir, 'out'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/quick-qualty/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
