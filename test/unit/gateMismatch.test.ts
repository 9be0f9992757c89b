/** A baseline from another device or backend version is refused, naming the difference, unless allowed. */
import { describe, expect, it } from 'vitest';
import { describeDeviceDifference } from '../../harness/compare/describeDeviceDifference.js';
import { entryMatchKey } from '../../harness/compare/entryMatchKey.js';
import { parseAllowMismatch } from '../../harness/compare/parseAllowMismatch.js';
import { SlmbenchError, UsageError } from '../../harness/errors.js';
import { evaluateGate } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { entry, fingerprint, loaded, result } from './gateFixtures.js';

const rules = [parseGateRule('decodeTps:-5%')];
const samples = { decodeTps: [100, 101, 102] };

function refusal(f: () => unknown): SlmbenchError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(SlmbenchError);
    return error as SlmbenchError;
  }
  throw new Error('expected a refusal');
}

describe('device mismatch', () => {
  const base = loaded(result([entry({ samples })], fingerprint('dev-a')), 'base.json');
  const other = loaded(
    result([entry({ samples })], fingerprint('dev-b', { brand: 'Apple M2', logicalCores: 8, memoryGiB: 24, gpus: ['Apple M2'] })),
    'cur.json',
  );

  it('is refused with a message naming the fields that differ', () => {
    const error = refusal(() => evaluateGate(base, other, { rules }));
    expect(error.code).toBe('NOT_COMPARABLE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'the baseline base.json is not comparable with cur.json: device differs: cpu brand "AMD EPYC 7763 64-Core Processor" vs "Apple M2", ' +
        'logical cores 4 vs 8, memory 16 GiB vs 24 GiB, gpus none vs Apple M2 (device dev-a vs dev-b); pass --allow-mismatch device to gate anyway',
    );
  });

  it('is accepted with --allow-mismatch device, and listed in the report', () => {
    const report = evaluateGate(base, other, { rules, allowMismatch: parseAllowMismatch('device') });
    expect(report.verdict).toBe('pass');
    expect(report.mismatches).toEqual([
      {
        kind: 'device',
        detail: 'cpu brand "AMD EPYC 7763 64-Core Processor" vs "Apple M2", logical cores 4 vs 8, memory 16 GiB vs 24 GiB, gpus none vs Apple M2 (device dev-a vs dev-b)',
        entries: ['m1 · llama-cpp threads=1 · pp64+tg64'],
      },
    ]);
  });

  it('fingerprints with different ids but the same named fields still say which ids differ', () => {
    const same = loaded(result([entry({ samples })], fingerprint('dev-c')), 'cur.json');
    expect(refusal(() => evaluateGate(base, same, { rules })).message).toMatch(/device differs: \(device dev-a vs dev-c\)/);
  });

  it('memory is compared in whole GiB, as the device id is', () => {
    const a = fingerprint('x');
    const b = { ...fingerprint('y'), memory: { totalBytes: 16 * 1024 ** 3 - 200 * 1024 ** 2 } };
    expect(describeDeviceDifference(a, b)).toEqual([]);
  });
});

describe('backend version mismatch', () => {
  const base = loaded(result([entry({ samples, versions: { 'node-llama-cpp': '3.21.1', 'llama.cpp': 'b1' } })]), 'base.json');
  const newer = loaded(result([entry({ samples, versions: { 'node-llama-cpp': '3.22.0', 'llama.cpp': 'b2' } })]), 'cur.json');

  it('is refused naming the packages and both versions', () => {
    const error = refusal(() => evaluateGate(base, newer, { rules }));
    expect(error.message).toBe(
      'the baseline base.json is not comparable with cur.json: backend version differs: llama-cpp: llama.cpp b1 vs b2, node-llama-cpp 3.21.1 vs 3.22.0; pass --allow-mismatch backend-version to gate anyway',
    );
  });

  it('is accepted with --allow-mismatch backend-version; both kinds need both names', () => {
    expect(evaluateGate(base, newer, { rules, allowMismatch: ['backend-version'] }).verdict).toBe('pass');
    const both = loaded(result([entry({ samples, versions: { 'node-llama-cpp': '3.22.0', 'llama.cpp': 'b2' } })], fingerprint('dev-b', { brand: 'Intel Xeon' })), 'cur.json');
    expect(refusal(() => evaluateGate(base, both, { rules, allowMismatch: ['device'] })).message).toMatch(/backend version differs.*--allow-mismatch backend-version to gate anyway$/);
    expect(refusal(() => evaluateGate(base, both, { rules })).message).toMatch(/device differs: cpu brand .*; backend version differs: .*; pass --allow-mismatch device,backend-version to gate anyway$/);
    expect(evaluateGate(base, both, { rules, allowMismatch: parseAllowMismatch(['device,backend-version']) }).verdict).toBe('pass');
  });

  it('entries that did not run record no versions and are not compared for them', () => {
    const skipped = loaded(result([entry({ samples }), entry({ model: 'm2', status: 'skipped' })]), 'base.json');
    const cur = loaded(result([entry({ samples }), entry({ model: 'm2', samples })]), 'cur.json');
    expect(evaluateGate(skipped, cur, { rules }).notes).toEqual(['m2 · llama-cpp threads=1 · pp64+tg64: skipped in the baseline, so not gated']);
  });
});

describe('matching and the --allow-mismatch vocabulary', () => {
  it('matches by model sha256, backend id, canonical options and workload — not by path or id', () => {
    const a = entry({ options: { threads: 1, batchSize: 512 } });
    const moved = { ...entry({ options: { batchSize: 512, threads: 1 } }), id: 'other-id', model: { ...a.model, path: '/elsewhere/x.gguf', spec: 'x.gguf' } };
    expect(entryMatchKey(moved)).toBe(entryMatchKey(a));
    expect(entryMatchKey(entry({ options: { threads: 2, batchSize: 512 } }))).not.toBe(entryMatchKey(a));
    expect(entryMatchKey(entry({ options: { threads: 1, batchSize: 512 }, genTokens: 32 }))).not.toBe(entryMatchKey(a));
    expect(entryMatchKey({ ...a, model: { ...a.model, sha256: 'different' } })).not.toBe(entryMatchKey(a));
  });

  it('unknown kinds are refused with a suggestion', () => {
    expect(() => parseAllowMismatch('devices')).toThrow(UsageError);
    expect(() => parseAllowMismatch('devices')).toThrow('--allow-mismatch: unknown kind "devices" (did you mean "device"?); kinds: device, backend-version');
    expect([...parseAllowMismatch(['device', 'backend-version,device'])]).toEqual(['device', 'backend-version']);
  });

  it('a side holding the same entry twice is refused (ambiguous pairing)', () => {
    const twice = loaded(result([entry({ samples, device: 'a' }), entry({ samples, device: 'b' })]), 'merged.json');
    expect(() => evaluateGate(twice, twice, { rules })).toThrow(/baseline merged.json: entries .* measured the same model, backend options and workload \(devices a and b;/);
  });
});
