/** Merging results of several devices and shards. */
import { describe, expect, it } from 'vitest';
import { shardInfo } from '../../harness/matrix/selectShard.js';
import { entryDevice } from '../../harness/result/entryDevice.js';
import { mergeResults } from '../../harness/merge/mergeResults.js';
import { checkResult } from '../../harness/result/readResultFile.js';
import type { AnyRunResult } from '../../harness/result/AnyRunResult.js';
import { entry, fingerprint, loaded, result } from './gateFixtures.js';
import { deviceIdOf } from '../../harness/device/deviceIdOf.js';
import { describeDevice, describeDeviceDifferences } from '../../harness/device/describeDevice.js';

const devA = fingerprint('dev-a');
const devB = fingerprint('dev-b', { brand: 'Apple M2', logicalCores: 8 });

describe('mergeResults across devices', () => {
  const a = result([entry({ model: 'x', index: 0, samples: { decodeTps: [1, 2] } }), entry({ model: 'y', index: 1, samples: { decodeTps: [3, 4] } })], devA, {
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T01:00:00.000Z',
  });
  const b = result([entry({ model: 'x', index: 0, samples: { decodeTps: [5, 6] } }), entry({ model: 'y', index: 1, status: 'errored' })], devB, {
    startedAt: '2024-12-31T00:00:00.000Z',
    endedAt: '2025-01-01T00:30:00.000Z',
  });
  const merged = mergeResults([loaded(a, 'a.json'), loaded(b, 'b.json')]);

  it('keeps every entry with its device id, and the fingerprints under devices', () => {
    expect(merged.entries.map((e) => [e.model.name, e.device, e.status])).toEqual([
      ['x', 'dev-a', 'ok'],
      ['x', 'dev-b', 'ok'],
      ['y', 'dev-a', 'ok'],
      ['y', 'dev-b', 'errored'],
    ]);
    expect(Object.keys(merged.devices)).toEqual(['dev-a', 'dev-b']);
    expect(merged.devices['dev-b']).toEqual(devB);
    expect(merged.device).toEqual({ id: 'multiple', ids: ['dev-a', 'dev-b'] });
    expect(entryDevice(merged, merged.entries[1]!)).toEqual({ id: 'dev-b', fingerprint: devB });
  });

  it('recounts the summary, spans the times and lists its sources', () => {
    expect(merged.summary).toEqual({ entries: 4, ok: 3, errored: 1, skipped: 0 });
    expect([merged.startedAt, merged.endedAt]).toEqual(['2024-12-31T00:00:00.000Z', '2025-01-01T01:00:00.000Z']);
    expect(merged.merged.sources.map((s) => [s.path, s.devices, s.shard])).toEqual([
      ['a.json', ['dev-a'], null],
      ['b.json', ['dev-b'], null],
    ]);
    expect(merged.merged.notes).toEqual([]);
    expect(() => checkResult(JSON.parse(JSON.stringify(merged)), 'merged.json')).not.toThrow();
  });

  it('merges merged results again without change', () => {
    const again = mergeResults([loaded(merged, 'merged.json')]);
    expect(again.entries).toEqual(merged.entries);
    expect(again.devices).toEqual(merged.devices);
  });

  it('one device: device is its fingerprint, backend versions joined', () => {
    const one = mergeResults([
      loaded(result([entry({ model: 'x' })], { ...devA, backendVersions: { p: '1' } }), 'a.json'),
      loaded(result([entry({ model: 'y' })], { ...devA, backendVersions: { q: '2' } }), 'b.json'),
    ]);
    expect(one.device).toEqual({ ...devA, backendVersions: { p: '1', q: '2' } });
  });

  it('drops a stale top-level ranking', () => {
    const ranked = { ...result([entry()]), ranking: { entries: [] } } as unknown as AnyRunResult;
    expect('ranking' in mergeResults([loaded(ranked, 'r.json')])).toBe(false);
  });
});

describe('duplicates', () => {
  it('the same entry on the same device twice: kept once when identical, refused when not', () => {
    const e = entry({ samples: { decodeTps: [1, 2] } });
    expect(mergeResults([loaded(result([e]), 'a.json'), loaded(result([e]), 'b.json')]).entries).toHaveLength(1);
    const other = entry({ samples: { decodeTps: [1, 3] } });
    expect(() => mergeResults([loaded(result([e]), 'a.json'), loaded(result([other]), 'b.json')])).toThrow(
      `entry ${e.id} (${e.label}) on device dev-a is in both a.json and b.json with different records; merge runs of the same entry on the same device one at a time`,
    );
  });

  it('notes inputs from different slmbench builds', () => {
    const merged = mergeResults([
      loaded(result([entry({ model: 'x' })]), 'a.json'),
      loaded(result([entry({ model: 'y' })], devA, { harness: { name: 'slmbench', version: '0.2.0', gitSha: 'abc' } }), 'b.json'),
    ]);
    expect(merged.merged.notes).toEqual(['inputs come from different slmbench builds: 0.1.0@?, 0.2.0@abc']);
  });
});

describe('shards', () => {
  const matrix = ['e1', 'e2', 'e3', 'e4', 'e5'].map((id, index) => ({ id, index }));
  const shard = (k: number, n: number, device = devA) => {
    const info = shardInfo(matrix, k, n);
    const entries = matrix.filter((m) => info.entryIds.includes(m.id)).map((m) => entry({ id: m.id, index: m.index, model: m.id }));
    return loaded(result(entries, device, { shard: info }), `shard-${k}.json`);
  };

  it('complete shards merge to the full matrix in matrix order', () => {
    const merged = mergeResults([shard(2, 2), shard(1, 2)]);
    expect(merged.entries.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('a missing shard is refused, or noted with allowIncomplete', () => {
    expect(() => mergeResults([shard(1, 3), shard(3, 3)])).toThrow(
      new RegExp(`^incomplete sharded sweep: shard 2/3 of matrix [0-9a-f]{16} missing \\(\\d of 5 entries\\); pass --allow-incomplete to merge anyway$`),
    );
    const partial = mergeResults([shard(1, 3), shard(3, 3)], { allowIncomplete: true });
    expect(partial.merged.notes[0]).toMatch(/^incomplete sharded sweep: shard 2\/3/);
  });

  it('a shard whose entries are not the ones its metadata lists is refused', () => {
    const bad = shard(1, 2);
    bad.result.entries.push(entry({ id: 'stranger' }));
    expect(() => mergeResults([bad, shard(2, 2)])).toThrow(/^shard-1.json: shard 1\/2 holds entries not of that shard \(stranger\)$/);
  });

  it('shards of different counts of one matrix overlap: refused only when they hold the same entry', () => {
    expect(() => mergeResults([shard(1, 2), shard(2, 2), shard(1, 3)])).toThrow(/incomplete sharded sweep: shards 2\/3, 3\/3/);
    const a = shard(1, 2);
    const b = shard(2, 2);
    b.result.shard = { ...b.result.shard!, index: 3, count: 2 };
    b.result.entries.push({ ...a.result.entries[0]! });
    b.result.shard.entryIds = b.result.entries.map((e) => e.id);
    expect(() => mergeResults([a, b])).toThrow(/both hold entry e/);
  });

  it('the same sharded sweep on two devices merges to two full matrices', () => {
    const merged = mergeResults([shard(1, 2), shard(2, 2), shard(1, 2, devB), shard(2, 2, devB)]);
    expect(merged.entries.map((e) => `${e.id}@${e.device}`)).toEqual(['e1@dev-a', 'e1@dev-b', 'e2@dev-a', 'e2@dev-b', 'e3@dev-a', 'e3@dev-b', 'e4@dev-a', 'e4@dev-b', 'e5@dev-a', 'e5@dev-b']);
  });
});

describe('reading results', () => {
  it.each([
    [[], 'r.json: not a slmbench result (expected a JSON object)'],
    [{ schemaVersion: 2, entries: [], device: {} }, 'r.json: schemaVersion 2 is not supported (this slmbench reads 1)'],
    [{ schemaVersion: 1, device: {} }, 'r.json: entries: expected an array'],
    [{ schemaVersion: 1, entries: [{}], device: {} }, 'r.json: entries[0].id: expected a string'],
  ])('refuses %j', (data, message) => {
    expect(() => checkResult(data, 'r.json')).toThrow(message);
  });
});

describe('a changed device fingerprint', () => {
  it('merge gives it the id its fields make (one rule: deviceIdOf), with a note; user-chosen ids are kept', () => {
    const real = fingerprint('x');
    const realId = deviceIdOf(real)!;
    expect(realId).toMatch(/^[0-9a-f]{16}$/);
    const same = result([entry({ model: 'x', samples: { decodeTps: [1, 2] } })], { ...real, id: realId });
    // A copy of the result edited to say 8 logical cores, its id left as it was.
    const edited = result([entry({ model: 'x', samples: { decodeTps: [3, 4] } })], { ...real, id: realId, cpu: { ...real.cpu, logicalCores: 8 } });
    const newId = deviceIdOf({ ...real, cpu: { ...real.cpu, logicalCores: 8 } })!;
    expect(newId).not.toBe(realId);
    const merged = mergeResults([loaded(same, 'a.json'), loaded(edited, 'b.json')]);
    expect(merged.entries.map((e) => e.device)).toEqual([realId, newId]);
    expect(Object.keys(merged.devices).sort()).toEqual([realId, newId].sort());
    expect(merged.devices[newId]!.id).toBe(newId);
    expect(merged.merged.notes).toContain(`b.json: device ${realId}'s fingerprint gives id ${newId}: its fields were changed; merged as ${newId}`);
    // Ids slmbench did not make are names: kept.
    expect(mergeResults([loaded(result([entry()], fingerprint('dev-a')), 'c.json')]).entries[0]!.device).toBe('dev-a');
  });

  it('the device differences are said in words, and the device name counts logical cores', () => {
    expect(describeDevice(devB)).toBe('Apple M2 · 8 logical cores · linux x64');
    expect(describeDeviceDifferences([devA, devB])).toEqual([
      'Device 2 (Apple M2 · 8 logical cores · linux x64) differs from device 1 (AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64) in cpu brand "AMD EPYC 7763 64-Core Processor" vs "Apple M2", logical cores 4 vs 8.',
    ]);
    expect(describeDeviceDifferences([devA, { ...devA, id: 'other' }])).toEqual([
      'Device 2 (AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64) differs from device 1 (AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64) only in its fingerprint id.',
    ]);
  });
});
