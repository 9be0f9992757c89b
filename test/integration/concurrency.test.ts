/**
 * Concurrency end to end through the runner on stories260K (the same weights as GGUF and ONNX, llama.cpp
 * with its reference options): rounds of requests with their own prompts on one loaded model, batched as
 * each backend can (llama.cpp continuous, the ONNX backends static, a cascade one after another, said so
 * in the record); each request timed from its arrival; every request's greedy ids those it gets alone;
 * the rounds' output rate and goodput against a budget recorded with the raw rounds. A Poisson arrival with
 * a long window forms exactly the batches its seeded arrival times give.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../harness/config/parseConfig.js';
import type { OkEntryRecord } from '../../harness/result/EntryRecord.js';
import { buildPromptTokens } from '../../harness/runner/buildPromptTokens.js';
import { runPlan } from '../../harness/runner/runPlan.js';
import { loadStories260K } from '../helpers/loadStories260K.js';
import { greedyIds } from '../helpers/greedyIds.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const run = async (lines: string[], out: string) => (await runPlan(parseConfig(parseYaml(lines.join('\n'))), { out, report: false })).result;

describe.skipIf(!hasShared)(`concurrent requests on a real run ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('batches each backend\'s way, times every request from its arrival, and generates what each request gets alone', async () => {
    const gguf = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
    const onnx = sharedPath('models/stories260K/transformersjs');
    const llama = '{ id: llama-cpp, threads: 1, kvCacheType: f32, flashAttention: false }';
    const dir = tempDir('concurrency');
    const result = await run(
      [
        'sweep:',
        `  models: [${JSON.stringify(gguf)}, ${JSON.stringify(onnx)}]`,
        '  backends:',
        `    - ${llama}`,
        '    - { id: onnxruntime, intraOpThreads: 1 }',
        '    - { id: transformers-js, intraOpThreads: 1 }',
        `    - { id: cascade, stages: [{ model: ${JSON.stringify(gguf)}, backend: ${llama} }, { model: ${JSON.stringify(gguf)}, backend: ${llama} }], threshold: -.inf }`,
        '  workloads: [{ promptTokens: 16, genTokens: 12, concurrency: [1, 3] }]',
        'measure: { warmupRuns: 1, warmupSeconds: 0, minRepetitions: 3, maxRepetitions: 3, minSeconds: 0, targetCiWidth: null, processes: 1, cachedTtftRuns: 0 }',
        'slo: { ttftMs: 100000 }',
      ],
      join(dir, 'out'),
    );
    expect(result.entries.map((e) => [e.backend.id, e.workload.name, e.status])).toEqual([
      ['llama-cpp', 'pp16+tg12', 'ok'],
      ['llama-cpp', 'pp16+tg12@c3', 'ok'],
      ['onnxruntime', 'pp16+tg12', 'ok'],
      ['onnxruntime', 'pp16+tg12@c3', 'ok'],
      ['transformers-js', 'pp16+tg12', 'ok'],
      ['transformers-js', 'pp16+tg12@c3', 'ok'],
      ['cascade', 'pp16+tg12', 'ok'],
      ['cascade', 'pp16+tg12@c3', 'ok'],
    ]);
    const records = result.entries as OkEntryRecord[];
    const batching = Object.fromEntries(records.filter((e) => e.workload.concurrency).map((e) => [e.backend.id, e.metrics.concurrency!.batching]));
    expect(batching).toEqual({ 'llama-cpp': 'continuous', onnxruntime: 'static', 'transformers-js': 'static', cascade: 'sequential' });
    expect(records[7]!.measurement.concurrency).toBe('sequential: backend cascade cannot batch, so the 3 requests of each round ran one after another in arrival order');

    const models = await loadStories260K({ parity: true, requiredContext: 64 });
    try {
      for (const [backend, model] of models) {
        const [single, many] = records.filter((e) => e.backend.id === backend);
        // 3 rounds of 3 requests: every request a sample, its first set aside as cold.
        expect(many!.samples.ttftMs).toHaveLength(9);
        expect(many!.metrics.ttftMs.n).toBe(8);
        expect(many!.samples.rounds!.outputTps[0]).toHaveLength(3);
        expect(many!.samples.rounds!.batchSizes).toEqual([[[3], [3], [3]]]);
        expect(many!.metrics.concurrency).toMatchObject({ requests: 3, arrival: 'burst', batchWindowMs: 5, meanBatchSize: 3 });
        // Every request of the rounds after the first within the budget: 6 requests over the two rounds' spans.
        const spans = many!.samples.rounds!.spanMs[0]!;
        expect(many!.metrics.concurrency!.goodputRps).toBeCloseTo((6 / (spans[1]! + spans[2]!)) * 1000, 9);
        expect(many!.metrics.outputTps!.n).toBe(2);
        expect(single!.metrics.outputTps!.median).toBeGreaterThan(0);
        // Each request has its own prompt of 16 tokens, and the same ids in every round.
        expect(many!.outputs.consistent).toBe(true);
        expect(many!.workload.promptTokenCount).toBe(16);
        // The record's outputs are the first request's; the others had prompts of their own.
        const third = await buildPromptTokens(model, many!.workload, 2);
        expect(third).toHaveLength(16);
        expect(third).not.toEqual(many!.outputs.promptTokenIds);
        expect(many!.outputs.promptTokenIds).toEqual(await buildPromptTokens(model, many!.workload, 0));
        expect(many!.outputs.tokenIds).toEqual(await greedyIds(model, many!.outputs.promptTokenIds, 12));
        expect(many!.outputs.tokenIds).not.toEqual(await greedyIds(model, third, 12));
        expect(single!.outputs.tokenIds).toEqual(await greedyIds(model, single!.outputs.promptTokenIds, 12));
      }
    } finally {
      for (const model of models.values()) await model.dispose();
    }
  }, 300_000);

  it('forms the batches a Poisson arrival gives with a long window, each request waiting from its own arrival', async () => {
    const dir = tempDir('poisson');
    const result = await run(
      [
        'sweep:',
        `  models: [${JSON.stringify(sharedPath('models/stories260K/transformersjs'))}]`,
        '  backends: [{ id: onnxruntime, intraOpThreads: 1 }]',
        '  workloads: [{ promptTokens: 16, genTokens: 8, concurrency: 3, arrival: { rate: 2 }, batchWindowMs: 1000 }]',
        'measure: { warmupRuns: 1, warmupSeconds: 0, minRepetitions: 2, maxRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1, cachedTtftRuns: 0 }',
      ],
      join(dir, 'out'),
    );
    const entry = result.entries[0] as OkEntryRecord;
    expect(entry.workload.name).toBe('pp16+tg8@c3r2w1000');
    // Rounds 1 and 2 (round 0 warmed up) arrive at 0, 174, 181 ms and at 0, 1168, 1480 ms: one batch of all
    // three in the 1000 ms window, then a batch of the first alone and one of the other two.
    expect(entry.samples.rounds!.batchSizes).toEqual([[[3], [1, 2]]]);
    expect(entry.metrics.concurrency!.meanBatchSize).toBe(2);
    // The first request of a round waits out the window; the last one of round 1 arrived 181 ms later.
    const ttft = entry.samples.ttftMs;
    expect(ttft[0]!).toBeGreaterThanOrEqual(1000);
    expect(ttft[0]! - ttft[2]!).toBeGreaterThan(170);
    expect(readFileSync(join(dir, 'out', 'entries.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
