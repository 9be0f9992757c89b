/** Sharding a real expanded matrix: deterministic, balanced, and an exact partition; merged shards are the full matrix. */
import { describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { UsageError } from '../../harness/errors.js';
import { expandMatrix } from '../../harness/matrix/expandMatrix.js';
import type { MatrixEntry } from '../../harness/matrix/MatrixEntry.js';
import { matrixHash, parseShardSpec, selectShard, shardInfo } from '../../harness/matrix/selectShard.js';
import { mergeResults } from '../../harness/merge/mergeResults.js';
import type { DeviceEntryRecord } from '../../harness/result/AnyRunResult.js';
import { fingerprint, loaded, result } from './gateFixtures.js';

/** 3 models × (llama-cpp threads 1/2/4 × flashAttention on/off + onnxruntime) × (2 prompt lengths × 2 generation lengths) = 84 entries. */
function realMatrix(baseDir = '/bench'): MatrixEntry[] {
  const config = parseConfig(
    {
      sweep: {
        models: ['models/a-q4.gguf', 'models/b-f16.gguf', { path: 'forge:stories15M/Q8_0', name: 'forged' }],
        backends: [{ id: 'llama-cpp', threads: [1, 2, 4], flashAttention: [true, false] }, { id: 'onnxruntime' }],
        workloads: [{ promptTokens: [32, 128], genTokens: [16, 64] }],
      },
    },
    'shard-test.yaml',
    backendRegistry,
  );
  return expandMatrix(config, backendRegistry, baseDir);
}

/** What a sharded run would record: each entry's record, with the shard metadata. */
function shardResult(matrix: MatrixEntry[], k: number, n: number, device = fingerprint('dev-a')) {
  const entries = selectShard(matrix, k, n).map(
    (e) =>
      ({
        id: e.id,
        index: e.index,
        label: e.label,
        status: 'skipped',
        model: { ...e.model },
        backend: { id: e.backend.id, version: null, versions: {}, options: e.backend.options, resolvedOptions: null, device: null },
        workload: e.workload,
        error: { code: 'TEST', message: 'not run' },
        startedAt: '2025-01-01T00:00:00.000Z',
        endedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 0,
      }) as DeviceEntryRecord,
  );
  return loaded(result(entries, device, { shard: shardInfo(matrix, k, n) }), `shard-${k}.json`);
}

describe('selectShard on a real expanded matrix', () => {
  const matrix = realMatrix();

  it('shards 1/3, 2/3, 3/3 partition the matrix exactly (every entry once), each in matrix order', () => {
    expect(matrix).toHaveLength(84);
    const shards = [1, 2, 3].map((k) => selectShard(matrix, k, 3));
    const all = shards.flat().map((e) => e.id);
    expect(new Set(all).size).toBe(all.length); // none twice
    expect([...all].sort()).toEqual(matrix.map((e) => e.id).sort()); // none missing
    for (const shard of shards) expect(shard.map((e) => e.index)).toEqual([...shard.map((e) => e.index)].sort((a, b) => a - b));
    expect(shards.map((s) => s.length)).toEqual([28, 28, 28]);
  });

  it('is balanced for every shard count: sizes differ by at most 1', () => {
    for (let n = 1; n <= 100; n++) {
      const sizes = Array.from({ length: n }, (_, i) => selectShard(matrix, i + 1, n).length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(matrix.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic and stable across machines: another folder, another list order, the same shards', () => {
    const again = realMatrix('/elsewhere');
    // Relative model paths resolve elsewhere, but ids hash the spec as written: the same ids.
    expect(again.map((e) => e.id)).toEqual(matrix.map((e) => e.id));
    expect(selectShard(again, 2, 3).map((e) => e.id)).toEqual(selectShard(matrix, 2, 3).map((e) => e.id));
    expect(selectShard([...matrix].reverse(), 2, 3).map((e) => e.id).sort()).toEqual(selectShard(matrix, 2, 3).map((e) => e.id).sort());
  });

  it('spreads the backends over the shards (hash order, not matrix blocks)', () => {
    for (let k = 1; k <= 3; k++) expect(new Set(selectShard(matrix, k, 3).map((e) => e.backend.id))).toEqual(new Set(['llama-cpp', 'onnxruntime']));
  });

  it('groupBy balances every group as well as the totals (e.g. entries a backend will skip)', () => {
    // onnxruntime does not read GGUF files: 8 of the 84 entries pair it with a .gguf file.
    const skipped = (e: MatrixEntry) => e.backend.id === 'onnxruntime' && e.model.spec.endsWith('.gguf');
    const groupBy = (e: MatrixEntry) => (skipped(e) ? 'skip' : 'run');
    expect(matrix.filter(skipped)).toHaveLength(8);
    for (const n of [2, 3, 5, 7, 84, 100]) {
      const shards = Array.from({ length: n }, (_, i) => selectShard(matrix, i + 1, n, { groupBy }));
      expect(shards.flat().map((e) => e.id).sort()).toEqual(matrix.map((e) => e.id).sort());
      for (const list of [shards.map((s) => s.length), shards.map((s) => s.filter(skipped).length), shards.map((s) => s.filter((e) => !skipped(e)).length)]) {
        expect(Math.max(...list) - Math.min(...list)).toBeLessThanOrEqual(1);
      }
    }
    expect(shardInfo(matrix, 2, 3, { groupBy }).entryIds).toEqual(selectShard(matrix, 2, 3, { groupBy }).map((e) => e.id));
  });

  it('merging shards 1/3, 2/3, 3/3 gives exactly the unsharded matrix, in its order', () => {
    const merged = mergeResults([3, 1, 2].map((k) => shardResult(matrix, k, 3)));
    expect(merged.entries.map((e) => e.id)).toEqual(matrix.map((e) => e.id));
    expect(merged.summary.entries).toBe(84);
    expect(merged.merged.sources.map((s) => s.shard && `${s.shard.index}/${s.shard.count}`)).toEqual(['3/3', '1/3', '2/3']);
    expect(merged.shard).toBeUndefined();
  });

  it('records the shard metadata: index, count, matrix size and hash, the ids', () => {
    const info = shardInfo(matrix, 2, 3);
    expect(info).toEqual({ index: 2, count: 3, matrixEntries: 84, matrixHash: matrixHash(matrix), entryIds: selectShard(matrix, 2, 3).map((e) => e.id) });
    expect(info.matrixHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('more shards than entries gives empty shards', () => {
    const small = matrix.slice(0, 2);
    expect([1, 2, 3].map((k) => selectShard(small, k, 3).length)).toEqual([1, 1, 0]);
  });
});

describe('--shard K/N', () => {
  it('parses K/N', () => {
    expect(parseShardSpec('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShardSpec(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  it.each([
    ['3', '--shard: expected K/N (e.g. 2/3), got "3"'],
    ['0/3', '--shard 0/3: the shard index must be an integer from 1 to 3'],
    ['4/3', '--shard 4/3: the shard index must be an integer from 1 to 3'],
    ['1/0', '--shard 1/0: the shard count must be a positive integer'],
    ['-1/3', '--shard: expected K/N (e.g. 2/3), got "-1/3"'],
  ])('refuses %s', (spec, message) => {
    expect(() => parseShardSpec(spec)).toThrow(UsageError);
    expect(() => parseShardSpec(spec)).toThrow(message);
  });

  it('selectShard checks its arguments', () => {
    expect(() => selectShard([], 2, 1)).toThrow(UsageError);
    expect(() => selectShard([], 1, 1.5)).toThrow(UsageError);
  });
});
