/**
 * End to end through the real CLI and real backends: greedy ids of every case of both golden files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

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
    const out = join(tempDir('golden'), 'out');
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
    // Energy on a machine without RAPL: the labelled estimate.
    expect(entry.metrics!.energy).toMatchObject({ estimated: true, providers: ['estimate'], gridIntensityDefault: true });
    expect(entry.metrics!.energy!.joulesPerOutputToken).toBeGreaterThan(0);
    expect(entry.metrics!.energy!.gCO2e).toBeGreaterThan(0);
    // Decode roofline against the stored bandwidth probe.
    expect(entry.metrics!.roofline!.fraction).toBeGreaterThan(0);
    expect(entry.metrics!.roofline!.fraction).toBeLessThan(1);
    // stories260K: 5 layers × 2 × 4 KV heads × 8 × (1 + 64 tokens) × 2 bytes (f16 cache).
    expect(entry.metrics!.kvCacheBytes).toBe(5 * 2 * 4 * 8 * 65 * 2);
    expect(entry.outputs!.consistent).toBe(true);
    // Measured in the default 3 processes; each one's first repetition is reported as cold, the
    // statistics cover the rest.
    expect(entry.measurement!.processes).toBe(3);
    expect(entry.measurement!.warmupSeconds).toBeGreaterThanOrEqual(1);
    expect(entry.samples!.ttftMs).toHaveLength(entry.metrics!.ttftMs.n + 3);
    expect(entry.metrics!.ttftMs.cold).toBe(entry.samples!.ttftMs[0]);
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
    it(`${model.name}: every golden case on all three backends (GGUF on llama.cpp, ONNX folder on the others)`, async () => {
      const golden = JSON.parse(readFileSync(sharedPath(`models/${model.name}/golden_greedy.json`), 'utf8')) as Golden;
      const dir = tempDir('golden');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({
        sweep: {
          models: [sharedPath(model.gguf), sharedPath(`models/${model.name}/transformersjs`)],
          backends: [{ id: 'llama-cpp' }, { id: 'onnxruntime' }, { id: 'transformers-js' }],
          workloads: [{ prompt: golden.cases.map((c) => c.prompt), genTokens: golden.max_new_tokens }],
        },
        measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1 },
      }));
      const result = await runCli(['run', '--config', config, '--out', join(dir, 'out'), '--json']);
      expect(result.code).toBe(0);
      const run = JSON.parse(result.stdout) as RunResult;
      // 2 models × 3 backends, paired by format: a backend never meets a format it cannot read. The 3
      // pairs that run make 3 × N entries; the other 3 pairs are listed as unpaired, not as entries.
      expect(run.entries).toHaveLength(3 * golden.cases.length);
      const ok = run.entries.filter((e) => e.status === 'ok');
      expect(ok).toHaveLength(3 * golden.cases.length);
      expect(run.summary.skipped).toBe(0);
      expect(run.unpaired!.map((u) => `${u.backend}:${u.model.format}`).sort()).toEqual(['llama-cpp:transformers-js', 'onnxruntime:gguf', 'transformers-js:gguf']);
      expect(new Set(ok.map((e) => `${e.backend.id}:${e.model.format}`))).toEqual(
        new Set(['llama-cpp:gguf', 'onnxruntime:transformers-js', 'transformers-js:transformers-js']),
      );
      for (const entry of ok) {
        const c = golden.cases.find((k) => k.prompt === entry.workload.prompt)!;
        expect({ backend: entry.backend.id, prompt: c.prompt, ids: entry.outputs!.tokenIds, promptIds: entry.outputs!.promptTokenIds })
          .toEqual({ backend: entry.backend.id, prompt: c.prompt, ids: c.greedy_ids, promptIds: c.prompt_ids });
        expect(entry.workload.promptTokenCount).toBe(c.prompt_ids.length);
      }
      // The metric set is identical in shape for every backend (the load's phases are each backend's own).
      const shape = (e: (typeof ok)[number]) =>
        JSON.stringify(Object.entries(e.metrics!).map(([k, v]) => [k, k === 'loadPhasesMs' ? 'phases' : v && typeof v === 'object' ? Object.keys(v) : typeof v]));
      expect(ok.map((e) => [e.backend.id, Object.keys(e.metrics!.loadPhasesMs!)])).toEqual(
        ok.map((e) => [e.backend.id, { 'llama-cpp': ['runtime', 'model', 'context'], onnxruntime: ['session', 'tokenizer'], 'transformers-js': ['tokenizer', 'model'] }[e.backend.id]]),
      );
      // Per workload: a prompt of BOS alone has no prefix to keep, so no cached first token, on every backend.
      for (const name of new Set(ok.map((e) => e.workload.name))) {
        const same = ok.filter((e) => e.workload.name === name);
        expect(new Set(same.map(shape)).size, name).toBe(1);
        expect(new Set(same.map((e) => JSON.stringify(Object.keys(e.samples!)))).size, name).toBe(1);
        expect(new Set(same.map((e) => e.metrics!.cachedTtftMs === undefined)).size, name).toBe(1);
      }
      const bosOnly = ok.filter((e) => e.workload.promptTokenCount === 1);
      expect(bosOnly.length).toBeGreaterThan(0);
      for (const e of bosOnly) expect(e.measurement!.cachedTtft).toEqual({ notMeasured: 'the prompt is a single token: no prefix to keep' });
      expect(run.device.backendVersions).toMatchObject({
        'node-llama-cpp': '3.21.1',
        'onnxruntime-node': '1.30.0',
        '@huggingface/transformers': '4.3.1',
      });
    });
  }

  it('an entry measured in several worker processes keeps every process\'s samples and widens its intervals', async () => {
    const dir = tempDir('processes');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      sweep: { models: [sharedPath(MODELS[0]!.gguf)], workloads: [{ promptTokens: 16, genTokens: 16 }] },
      measure: { warmupRuns: 1, warmupSeconds: 0, minRepetitions: 4, maxRepetitions: 4, minSeconds: 0, targetCiWidth: null, processes: 3 },
    }));
    const result = await runCli(['run', '--config', config, '--out', join(dir, 'out'), '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/start .* \(worker pid \d+\)/g)).toHaveLength(3);
    const entry = (JSON.parse(result.stdout) as RunResult).entries[0]!;
    expect(entry.measurement).toMatchObject({ processes: 3, repetitions: 12, intervals: 'two-stage bootstrap over processes and repetitions, widened for few processes' });
    expect(entry.samples!.process).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(entry.metrics!.loadMs.n).toBe(3);
    // Each process's first repetition is cold: 3 × 3 repetitions summarised.
    expect(entry.metrics!.decodeTps!.n).toBe(9);
    expect(entry.metrics!.decodeTps!.cold).toBe(entry.samples!.decodeTps[0]);
    expect(entry.outputs!.consistent).toBe(true);
  });

  it('the fp16 contrib-op model runs on both ONNX backends', async () => {
    const dir = tempDir('fp16');
    const result = await runCli([
      'run', '--model', sharedPath('models/tiny-random-LlamaForCausalLM-fp16'), '--backend', 'onnxruntime', '--backend', 'transformers-js',
      '--prompt', 'Hello world', '--gen-tokens', '16', '--repetitions', '2', '--processes', '1', '--warmup-seconds', '0', '--out', join(dir, 'out'), '--json',
    ]);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as RunResult;
    expect(run.entries.map((e) => e.status)).toEqual(['ok', 'ok']);
    const [ort, tjs] = run.entries;
    expect(ort!.outputs!.tokenIds).toHaveLength(16);
    expect(tjs!.outputs!.tokenIds).toEqual(ort!.outputs!.tokenIds);
    expect(ort!.backend.resolvedOptions).toMatchObject({ modelFile: 'onnx/model_fp16.onnx', elementType: 'float16' });
    expect(tjs!.backend.resolvedOptions).toMatchObject({ modelFile: 'onnx/model_fp16.onnx' });
  });
});
