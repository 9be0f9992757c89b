/**
 * A latency budget and the cold first request, end to end on stories260K (llama.cpp): every entry gets
 * `metrics.slo` over its measured repetitions after each process's first, and `metrics.coldTtftMs`, one
 * value per worker process (its first request after load); `ranking.requireSlo` leaves an entry that
 * misses the budget unranked. Bounds far beyond or below any real time make the verdicts exact.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { parseConfig } from '../../harness/config/parseConfig.js';
import type { OkEntryRecord } from '../../harness/result/EntryRecord.js';
import { runPlan } from '../../harness/runner/runPlan.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const run = async (slo: string, out: string) => {
  const config = parseConfig(
    parseYaml(
      [
        'sweep:',
        `  models: [${JSON.stringify(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'))}]`,
        '  backends: [{ id: llama-cpp, threads: 1 }]',
        '  workloads: [{ promptTokens: 8, genTokens: 8 }]',
        'measure: { warmupRuns: 2, warmupSeconds: 0, minRepetitions: 4, maxRepetitions: 4, minSeconds: 0, targetCiWidth: null, processes: 2 }',
        `slo: ${slo}`,
        'ranking: { requireSlo: true }',
      ].join('\n'),
    ),
  );
  return (await runPlan(config, { out, report: false })).result;
};

describe.skipIf(!hasShared)(`latency budgets on a real run ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('judges every measured repetition, records the cold first request per process, and leaves a miss off the front', async () => {
    const dir = tempDir('slo');
    const met = await run('{ e2eMs: 1000000, ttftMs: 1000000 }', join(dir, 'met'));
    const entry = met.entries[0] as OkEntryRecord;
    // 2 processes × 4 repetitions, each process's first set aside: 6 judged.
    expect(entry.metrics.slo).toEqual({ preset: 'custom', bounds: { e2eMs: 1e6, ttftMs: 1e6 }, attainment: 1, ci95: [expect.any(Number), 1], n: 6, target: 0.9, met: true, misses: {} });
    expect(entry.metrics.coldTtftMs!.n).toBe(2);
    expect(entry.metrics.coldTtftMs!.min).toBeGreaterThan(0);
    expect(met.ranking!.entries[0]!.front).toBe(0);
    expect(renderEntriesTable(met.entries)).toContain('✓ 100%');
    // llama.cpp's default flash attention resolves on for this CPU: the known trap is recorded and printed.
    expect(entry.warnings!.map((w) => [w.setting, w.value, w.fix])).toEqual([['flashAttention', true, 'flashAttention: false']]);
    expect(renderEntriesTable(met.entries)).toContain(`warnings (known performance traps):\n  ${entry.label}: flashAttention true: flash attention is on for CPU decoding (the default 'auto' resolved it so)`);

    const missed = await run('{ ttftMs: 0.000001 }', join(dir, 'missed'));
    expect((missed.entries[0] as OkEntryRecord).metrics.slo).toMatchObject({ attainment: 0, met: false, misses: { ttftMs: 6 } });
    expect(missed.ranking!.entries[0]).toMatchObject({ front: null, excluded: 'misses the latency budget custom (0% of requests within it, 90% required)' });
    expect(renderEntriesTable(missed.entries)).toContain('✗ 0%');
  }, 240_000);
});
