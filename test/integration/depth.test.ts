/**
 * Context depth and the cached first token, end to end through the runner on stories260K (the same weights
 * as GGUF and ONNX, llama.cpp with its reference options): each depth entry keeps its history in the KV
 * cache, untimed, and every repetition prefills only the prompt after it; its greedy ids are those of the
 * whole text generated in one go, so the depth changes where the time goes and never what is generated.
 * Every entry also measures the cached first token and splits its load into the backend's phases; a composite, which keeps no prefix, is skipped at
 * depth with the reason and measured without it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../harness/config/parseConfig.js';
import type { FailedEntryRecord, OkEntryRecord } from '../../harness/result/EntryRecord.js';
import { runPlan } from '../../harness/runner/runPlan.js';
import { loadStories260K } from '../helpers/loadStories260K.js';
import { greedyIds } from '../helpers/greedyIds.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

describe.skipIf(!hasShared)(`depth and cached first tokens on a real run ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('keeps the history in the cache, prefills only the prompt, and generates what the whole text generates', async () => {
    const gguf = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
    const onnx = sharedPath('models/stories260K/transformersjs');
    const llama = '{ id: llama-cpp, threads: 1, kvCacheType: f32, flashAttention: false }';
    const config = parseConfig(
      parseYaml(
        [
          'sweep:',
          `  models: [${JSON.stringify(gguf)}, ${JSON.stringify(onnx)}]`,
          '  backends:',
          `    - ${llama}`,
          '    - { id: onnxruntime, intraOpThreads: 1 }',
          '    - { id: transformers-js, intraOpThreads: 1 }',
          `    - { id: cascade, stages: [{ model: ${JSON.stringify(gguf)}, backend: ${llama} }, { model: ${JSON.stringify(gguf)}, backend: ${llama} }], threshold: -.inf }`,
          '  workloads: [{ promptTokens: 16, genTokens: 12, depth: [0, 96] }]',
          'measure: { warmupRuns: 1, warmupSeconds: 0, minRepetitions: 3, maxRepetitions: 3, minSeconds: 0, targetCiWidth: null, processes: 1, cachedTtftRuns: 3 }',
        ].join('\n'),
      ),
    );
    const dir = tempDir('depth');
    const { result } = await runPlan(config, { out: join(dir, 'out'), report: false });
    const rows = result.entries.map((e) => [e.backend.id, e.workload.name, e.status]);
    expect(rows).toEqual([
      ['llama-cpp', 'pp16+tg12', 'ok'],
      ['llama-cpp', 'pp16+tg12@d96', 'ok'],
      ['onnxruntime', 'pp16+tg12', 'ok'],
      ['onnxruntime', 'pp16+tg12@d96', 'ok'],
      ['transformers-js', 'pp16+tg12', 'ok'],
      ['transformers-js', 'pp16+tg12@d96', 'ok'],
      ['cascade', 'pp16+tg12', 'ok'],
      ['cascade', 'pp16+tg12@d96', 'skipped'],
    ]);
    const skipped = result.entries[7] as FailedEntryRecord;
    expect(skipped.error).toEqual({
      code: 'WORKLOAD_UNSUPPORTED',
      message: 'workload pp16+tg12@d96: backend cascade keeps no KV prefix, and a depth needs one (the history must be in the cache before the prompt)',
    });
    expect(result.summary.skipped).toBe(1);

    // What the whole 112-token text generates, in one go, on each backend.
    const models = await loadStories260K({ parity: true, requiredContext: 128 });
    try {
      for (const [backend, model] of models) {
        const [flat, deep] = result.entries.filter((e) => e.backend.id === backend) as OkEntryRecord[];
        expect(flat!.outputs.promptTokenIds).toHaveLength(16);
        expect(deep!.outputs.promptTokenIds).toHaveLength(112);
        // The prompt after the depth is the text's next 16 tokens: the first 16 are the flat entry's prompt.
        expect(deep!.outputs.promptTokenIds.slice(0, 16)).toEqual(flat!.outputs.promptTokenIds);
        expect(deep!.workload).toMatchObject({ depth: 96, promptTokenCount: 16 });
        expect(deep!.outputs.tokenIds).toEqual(await greedyIds(model, deep!.outputs.promptTokenIds, 12));
        expect(flat!.outputs.tokenIds).toEqual(await greedyIds(model, flat!.outputs.promptTokenIds, 12));
        expect(deep!.outputs.consistent).toBe(true);
        expect(deep!.measurement.depth).toEqual({ tokens: 96, fillMs: expect.any(Number) });
        expect(flat!.measurement.depth).toBeUndefined();
        // The cached first token: all of the prompt but its last token kept, depth included.
        expect(flat!.measurement.cachedTtft).toEqual({ prefixTokens: 15, runs: 3, firstTokenMatches: true });
        expect(deep!.measurement.cachedTtft).toEqual({ prefixTokens: 111, runs: 3, firstTokenMatches: true });
        // Three requests; the first after keeping the prefix set aside as cold, as for every per-request figure.
        expect(deep!.metrics.cachedTtftMs).toMatchObject({ n: 2, cold: expect.any(Number) });
        expect(deep!.samples.cachedTtftMs).toEqual([[expect.any(Number), expect.any(Number), expect.any(Number)]]);
        // The KV cache at the end holds the depth too.
        expect(deep!.metrics.kvCacheBytes! / flat!.metrics.kvCacheBytes!).toBeCloseTo((96 + 16 + 12) / (16 + 12), 10);
        // The load's phases, as each backend tells them apart; together within the whole load.
        const phases = flat!.metrics.loadPhasesMs!;
        expect(Object.keys(phases)).toEqual(LOAD_PHASES[backend]);
        expect(Object.values(phases).reduce((sum, p) => sum + p.median, 0)).toBeLessThanOrEqual(flat!.metrics.loadMs.median);
        // Prefill rates count the 16 evaluated tokens, not the 112 of the context.
        const ttft = deep!.samples.ttftMs[0]!;
        expect(deep!.samples.prefillTps[0]).toBeCloseTo((16 / ttft) * 1000, 6);
      }
    } finally {
      for (const model of models.values()) await model.dispose();
    }
    // A composite measures no cached first token, and says why.
    expect((result.entries[6] as OkEntryRecord).measurement.cachedTtft).toEqual({ notMeasured: 'backend cascade keeps no KV prefix' });
    expect((result.entries[6] as OkEntryRecord).metrics.cachedTtftMs).toBeUndefined();
    // The journal holds the same records.
    const journal = readFileSync(join(dir, 'out', 'entries.jsonl'), 'utf8').trim().split('\n');
    expect(journal).toHaveLength(8);
  }, 300_000);
});

const LOAD_PHASES: Record<string, string[]> = {
  'llama-cpp': ['runtime', 'model', 'context'],
  onnxruntime: ['session', 'tokenizer'],
  'transformers-js': ['tokenizer', 'model'],
};
