import { describe, expect, it } from 'vitest';
import { parseCpuinfo } from '../../harness/device/parseCpuinfo.js';

/** One socket, 2 cores × 2 threads, clocks that differ per processor (as on a laptop). */
const X86 = [0, 1, 2, 3]
  .map((i) =>
    [
      `processor\t: ${i}`,
      'vendor_id\t: GenuineIntel',
      'cpu family\t: 6',
      'model\t\t: 140',
      'model name\t: 11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz',
      'stepping\t: 1',
      `cpu MHz\t\t: ${['2400.000', '3100.512', '2800.000', '1200.100'][i]}`,
      'cache size\t: 8192 KB',
      'physical id\t: 0',
      'siblings\t: 4',
      `core id\t\t: ${i % 2}`,
      'cpu cores\t: 2',
      'flags\t\t: fpu vme pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni',
      'bogomips\t: 4838.40',
      '',
    ].join('\n'),
  )
  .join('\n');

/** A 4-core Neoverse-N1 (as on AWS Graviton2): no model name, no clock, no core ids. */
const AARCH64 =
  [0, 1, 2, 3]
    .map((i) =>
      [
        `processor\t: ${i}`,
        'BogoMIPS\t: 243.75',
        'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs',
        'CPU implementer\t: 0x41',
        'CPU architecture: 8',
        'CPU variant\t: 0x3',
        'CPU part\t: 0xd0c',
        'CPU revision\t: 1',
        '',
      ].join('\n'),
    )
    .join('\n') + '\n';

describe('parseCpuinfo', () => {
  it('reads an x86 /proc/cpuinfo', () => {
    expect(parseCpuinfo(X86)).toEqual({
      modelName: '11th Gen Intel(R) Core(TM) i5-1135G7 @ 2.40GHz',
      vendorId: 'GenuineIntel',
      family: '6',
      model: '140',
      stepping: '1',
      implementer: null,
      part: null,
      variant: null,
      revision: null,
      mhz: 3100.512,
      cacheSizeBytes: 8 * 1024 * 1024,
      flags: ['fpu', 'vme', 'pni', 'ssse3', 'fma', 'sse4_1', 'sse4_2', 'avx', 'f16c', 'avx2', 'avx512f', 'avx512dq', 'avx512bw', 'avx512vl', 'avx512_vnni'],
      logicalCores: 4,
      physicalCores: 2,
    });
  });

  it('reads an aarch64 /proc/cpuinfo', () => {
    expect(parseCpuinfo(AARCH64)).toEqual({
      modelName: null,
      vendorId: null,
      family: null,
      model: null,
      stepping: null,
      implementer: '0x41',
      part: '0xd0c',
      variant: '0x3',
      revision: '1',
      mhz: null,
      cacheSizeBytes: null,
      flags: ['fp', 'asimd', 'evtstrm', 'aes', 'pmull', 'sha1', 'sha2', 'crc32', 'atomics', 'fphp', 'asimdhp', 'cpuid', 'asimdrdm', 'lrcpc', 'dcpop', 'asimddp', 'ssbs'],
      logicalCores: 4,
      physicalCores: null,
    });
  });

  it('counts cores per socket on a two-socket machine', () => {
    const text = [0, 1, 2, 3]
      .map((i) => `processor\t: ${i}\nphysical id\t: ${Math.floor(i / 2)}\ncore id\t\t: ${i % 2}\n`)
      .join('\n');
    expect(parseCpuinfo(text)).toMatchObject({ logicalCores: 4, physicalCores: 4, flags: [], mhz: null });
  });

  it('returns empty values for empty text', () => {
    expect(parseCpuinfo('')).toMatchObject({ modelName: null, logicalCores: 0, physicalCores: null, flags: [] });
  });
});
