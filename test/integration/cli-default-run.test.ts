/**
 * `npx slmbench run` with no arguments: the built-in quick sweep on forged models, offline, all three
 * backends, several quantizations; the forge runs once and its models are reused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

describe('slmbench run with no arguments', () => {
  it('forges its models once, runs the quick sweep on every backend and writes the results', async () => {
    const dir = tempDir('default');
    const env = { SLMBENCH_CACHE: join(dir, 'cache') };
    const first = await runCli(['run', '--repetitions', '2'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('forging forge:stories15M/F32');
    const resultPath = /result: (.+result\.json)/.exec(first.stdout)![1]!;
    expect(resultPath.startsWith(join(dir, 'slmbench-results'))).toBe(true);
    const run = JSON.parse(readFileSync(resultPath, 'utf8')) as RunResult;
    const ok = run.entries.filter((e) => e.status === 'ok');
    expect(ok.map((e) => `${e.model.name} ${e.backend.id}`)).toEqual([
      'stories15M/F32 llama-cpp',
      'stories15M/Q8_0 llama-cpp',
      'stories15M/Q4_0 llama-cpp',
      'stories15M/onnx onnxruntime',
      'stories15M/onnx transformers-js',
    ]);
    // Runnable pairs only: the 7 model × backend pairs whose backend cannot read the model's format are
    // listed as unpaired, never run and never entries.
    expect(run.entries).toHaveLength(5);
    expect(run.summary).toMatchObject({ entries: 5, ok: 5, errored: 0, skipped: 0 });
    expect(run.unpaired).toHaveLength(7);
    expect(new Set(ok.map((e) => e.model.quant))).toEqual(new Set(['F32', 'Q8_0', 'Q4_0', 'fp32']));
    // The committed baseline of the CI gate was measured on the models this checkout forges: every entry
    // matches (a forge change that alters model bytes must re-record it, or the workflow's gate is refused).
    const baseline = JSON.parse(readFileSync(fileURLToPath(new URL('../../bench/baselines/quick-ubuntu.json', import.meta.url)), 'utf8')) as RunResult;
    expect(baseline.entries.map((e) => `${e.model.name} ${e.model.sha256}`).sort()).toEqual(ok.map((e) => `${e.model.name} ${e.model.sha256}`).sort());
    for (const entry of ok) {
      expect(entry.workload).toMatchObject({ promptTokens: 64, genTokens: 64, promptTokenCount: 64 });
      expect(entry.outputs!.tokenIds).toHaveLength(64);
      // Two measured repetitions in each of the default 3 processes: each process's first reported as
      // cold, the statistics over the second ones.
      expect(entry.measurement).toMatchObject({ processes: 3, repetitions: 6 });
      expect(entry.samples!.process).toEqual([0, 0, 1, 1, 2, 2]);
      expect(entry.metrics!.decodeTps!.cold).toBe(entry.samples!.decodeTps[0]);
      expect(entry.metrics!.decodeTps!.n).toBe(3);
    }
    // Same weights, same tokenizer: the F32 GGUF and the ONNX folder get the same prompt.
    expect(ok[3]!.outputs!.promptTokenIds).toEqual(ok[0]!.outputs!.promptTokenIds);
    expect(first.stdout).toContain("7 model × backend pairs not run (the backend does not read the model's format)");

    const second = await runCli(['run', '--repetitions', '1', '--out', join(dir, 'again')], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('forging');
  });
});
