/**
 * End to end through the real CLI and real backends: greedy ids of every case of both golden files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

interface Golden {
  max_new_tokens: number;
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string }[];
}

const MODELS = [
  { name: 'stories260K', gguf: 'models/stories260K/gguf/stories260K-f32.gguf' },
  { name: 'llama-2-tiny-random', gguf: 'models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf' },
];

describe.skipIf(!hasShared)(`slmbench run reproduces golden greedy ids ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('stories260K, empty prompt, as the README shows it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'slmbench-golden-')), 'out');
    const golden = JSON.parse(readFileSync(sharedPath('models/stories260K/golden_greedy.json'), 'utf8')) as Golden;
    const empty = golden.cases.find((c) => c.prompt === '')!;
    const result = await runCli([
      'run', '--model', sharedPath(MODELS[0]!.gguf), '--backend', 'llama-cpp', '--prompt', '', '--gen-tokens', '64', '--out', out,
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const entry = run.entries[0]!;
    expect(entry.status).toBe('ok');
    expect(entry.outputs!.promptTokenIds).toEqual(empty.prompt_ids);
    expect(entry.outputs!.tokenIds).toEqual(empty.greedy_ids);
    expect(entry.outputs!.text).toBe(empty.greedy_text);
    expect(entry.metrics!.ttftMs.mean).toBeGreaterThan(0);
    expect(entry.metrics!.decodeTps!.mean).toBeGreaterThan(0);
    expect(entry.metrics!.peakRssBytes).toBeGreaterThan(0);
    expect(entry.metrics!.peakRssSampledBytes).toBeGreaterThan(0);
    expect(entry.outputs!.consistent).toBe(true);
    expect(entry.samples!.ttftMs).toHaveLength(entry.metrics!.ttftMs.n);
    expect(entry.samples!.itlMs.every((gaps) => gaps.length === 63)).toBe(true);
    expect(entry.metrics!.itlMs!.n).toBe(63 * entry.metrics!.ttftMs.n);
    expect(entry.model).toMatchObject({
      format: 'gguf',
      sha256: 'de0863976f77aa20ff0fd321cc2a4d2a030bf29666866e14f6d5786b501978f1',
      sizeBytes: 1185376,
      arch: 'llama',
      quant: 'F32',
      contextLength: 512,
      vocabSize: 512,
    });
    expect(run.schemaVersion).toBe(1);
    expect(run.device.backendVersions).toMatchObject({ 'node-llama-cpp': '3.21.1' });
    expect(result.stdout).toContain(join(out, 'result.json'));
  });

  for (const model of MODELS) {
    it(`${model.name}: every golden case on llama-cpp`, async () => {
      const golden = JSON.parse(readFileSync(sharedPath(`models/${model.name}/golden_greedy.json`), 'utf8')) as Golden;
      const dir = mkdtempSync(join(tmpdir(), 'slmbench-golden-'));
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({
        sweep: {
          models: [sharedPath(model.gguf)],
          backends: [{ id: 'llama-cpp' }],
          workloads: [{ prompt: golden.cases.map((c) => c.prompt), genTokens: golden.max_new_tokens }],
        },
        measure: { warmupRuns: 0, minRepetitions: 2, minSeconds: 0 },
      }));
      const result = await runCli(['run', '--config', config, '--out', join(dir, 'out'), '--json']);
      expect(result.code).toBe(0);
      const run = JSON.parse(result.stdout) as RunResult;
      expect(run.entries).toHaveLength(golden.cases.length);
      for (const [i, c] of golden.cases.entries()) {
        const entry = run.entries[i]!;
        expect(entry.workload.prompt).toBe(c.prompt);
        expect(entry.status).toBe('ok');
        expect(entry.outputs!.promptTokenIds).toEqual(c.prompt_ids);
        expect(entry.outputs!.tokenIds).toEqual(c.greedy_ids);
        expect(entry.workload.promptTokenCount).toBe(c.prompt_ids.length);
      }
    });
  }
});
