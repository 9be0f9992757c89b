import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { collectDeviceFingerprint } from '../../harness/device/collectDeviceFingerprint.js';
import { parseNvidiaSmiCsv } from '../../harness/device/parseNvidiaSmiCsv.js';

describe('parseNvidiaSmiCsv', () => {
  it('reads one GPU per line, memory in MiB', () => {
    const text = 'NVIDIA H100 80GB HBM3, 81559, 550.54.15\nNVIDIA GeForce RTX 4090, 24564, 555.42.02\n\n';
    expect(parseNvidiaSmiCsv(text)).toEqual([
      { vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', memoryBytes: 81559 * 1048576, driver: '550.54.15', source: 'nvidia-smi' },
      { vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 4090', memoryBytes: 24564 * 1048576, driver: '555.42.02', source: 'nvidia-smi' },
    ]);
  });

  it('gives null for [N/A] fields and skips malformed lines', () => {
    expect(parseNvidiaSmiCsv('Jetson, [N/A], [N/A]\nNo devices were found\n')).toEqual([
      { vendor: 'NVIDIA', model: 'Jetson', memoryBytes: null, driver: null, source: 'nvidia-smi' },
    ]);
  });
});

describe('collectDeviceFingerprint (this machine)', () => {
  it('describes the device quickly, hashes the hostname and keeps a stable id', async () => {
    const start = performance.now();
    const fp = await collectDeviceFingerprint({ backendVersions: { 'node-llama-cpp': '3.21.1' } });
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(2000);

    expect(fp.id).toMatch(/^[0-9a-f]{16}$/);
    expect(fp.hostnameHash).toBe(createHash('sha256').update(hostname()).digest('hex').slice(0, 12));
    if (hostname().length >= 4) expect(JSON.stringify(fp)).not.toContain(`"${hostname()}"`);
    expect(fp.backendVersions).toEqual({ 'node-llama-cpp': '3.21.1' });

    expect(fp.cpu.brand).not.toBe('');
    expect(fp.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(fp.cpu.physicalCores).toBeGreaterThanOrEqual(1);
    expect(fp.cpu.physicalCores).toBeLessThanOrEqual(fp.cpu.logicalCores);
    expect(fp.cpu.flags).toEqual([...fp.cpu.flags].sort());
    if (process.platform === 'linux') expect(fp.cpu.baseFrequencyMHz).toBeGreaterThan(0);
    if (process.arch === 'x64') expect(fp.cpu.flags).toContain('sse3');
    expect(fp.memory.totalBytes).toBeGreaterThan(0);
    expect(fp.os).toMatchObject({ platform: process.platform, arch: process.arch });
    expect(fp.runtime).toEqual({ node: process.versions.node, v8: process.versions.v8 });
    expect(Array.isArray(fp.gpus)).toBe(true);
    for (const gpu of fp.gpus) expect(gpu.model).not.toBe('');

    const again = await collectDeviceFingerprint();
    expect(again.id).toBe(fp.id);
    expect(again.backendVersions).toEqual({});
  });
});
