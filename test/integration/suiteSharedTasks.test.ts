/**
 * Every shared public-benchmark task runs on stories260K (onnxruntime) with a small limit and reports its
 * metrics with stderr and n and every row's scores (whose mean is the metric), reading the data from the
 * shared folder with the sha256s of its manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import type { LoadedModel } from '../../adapters/types.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { resolveTask } from '../../suites/resolveTask.js';
import { runQualityTasks } from '../../harness/runner/runQualityTasks.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';

const TASKS: [string, string[]][] = [
  ['arc_easy', ['acc', 'acc_norm']],
  ['arc_challenge', ['acc', 'acc_norm']],
  ['hellaswag', ['acc', 'acc_norm']],
  ['piqa', ['acc', 'acc_norm']],
  ['winogrande', ['acc']],
  ['boolq', ['acc']],
  ['openbookqa', ['acc', 'acc_norm']],
  ['sst2', ['acc']],
  ['gsm8k', ['exact_match,strict-match', 'exact_match,flexible-extract']],
  ['lambada_openai', ['acc', 'perplexity']],
  ['lambada_original', ['acc', 'perplexity']],
];
const LIMIT = 6;

describe.skipIf(!hasShared)(`shared benchmark tasks on stories260K ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let model: LoadedModel;
  beforeAll(async () => {
    const definition = backendRegistry.find((d) => d.id === 'onnxruntime')!;
    const adapter = await definition.create();
    model = await adapter.load(await detectModelFormat(sharedPath('models/stories260K/transformersjs')), definition.optionsSchema.parse({}), { requiredContext: 512 });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it.each(TASKS)('%s reports %j with stderr and n', async (id, metrics) => {
    sharedPath('datasets/MANIFEST.md');
    const task = resolveTask(id, { sharedDatasetsDir: sharedPath('datasets'), policy: [{ limit: LIMIT, fewshot: id === 'gsm8k' ? 1 : 0 }] });
    // As the worker runs them: with every row's scores kept for paired comparisons.
    const [result] = await runQualityTasks(model, [task], null);
    if (!result) throw new Error('no result');
    expect(result.n).toBe(LIMIT);
    // Per-item scores: one per row, whose mean is the metric (perplexities have none).
    expect(result.rowScores!.rows).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
    expect(Object.keys(result.rowScores!.scores)).toEqual(metrics.filter((m) => m !== 'perplexity'));
    for (const [metric, scores] of Object.entries(result.rowScores!.scores)) {
      expect(scores.reduce((a, b) => a + b, 0) / LIMIT, metric).toBeCloseTo(result.metrics[metric]!.value, 12);
    }
    expect(Object.keys(result.metrics)).toEqual(metrics);
    for (const m of Object.values(result.metrics)) {
      expect(m.n).toBe(LIMIT);
      expect(Number.isFinite(m.value)).toBe(true);
      expect(m.stderr === null || m.stderr >= 0).toBe(true);
    }
    // The data is the shared folder's, as its manifest records it.
    expect(result.dataset.sha256).toBe(task.definition.dataset.sha256);
    expect(result.dataset.id).toMatch(/^shared:/);
    process.stdout.write(`${id} (limit ${LIMIT}): ${Object.entries(result.metrics).map(([k, v]) => `${k} ${v.value.toFixed(3)} ± ${v.stderr?.toFixed(3) ?? '—'}`).join(', ')}\n`);
  });
});
