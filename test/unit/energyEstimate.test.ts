import { describe, expect, it } from 'vitest';
import { CPU_POWER_TABLE, resolveCpuPower } from '../../harness/trackers/energy/cpuPowerTable.js';
import { createEnergyMeterFrom } from '../../harness/trackers/energy/createEnergyMeter.js';
import { createEstimateProvider, DEFAULT_MEMORY_WATTS_PER_GIB } from '../../harness/trackers/energy/createEstimateProvider.js';
import { parseProcStatCpuSeconds, readProcCpuSeconds } from '../../harness/trackers/energy/readProcCpuSeconds.js';

describe('resolveCpuPower', () => {
  it.each([
    ['AMD EPYC 9654 96-Core Processor', null, null, 'amd-epyc-zen4', 360 / 96],
    ['AMD EPYC', '25', '17', 'amd-epyc-zen4', 360 / 96],
    ['AMD EPYC', '26', '2', 'amd-epyc-zen5', 400 / 96],
    ['AMD EPYC 9655 96-Core Processor', null, null, 'amd-epyc-zen5', 400 / 96],
    ['AMD EPYC 7763 64-Core Processor', '25', '1', 'amd-epyc', 280 / 64],
    ['Intel(R) Xeon(R) Platinum 8480+', null, null, 'intel-xeon-sapphire-rapids', 350 / 56],
    ['Intel(R) Xeon(R) Gold 6430', null, null, 'intel-xeon-sapphire-rapids', 350 / 56],
    ['Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz', null, null, 'intel-xeon', 270 / 40],
    ['Apple M2 Pro', null, null, 'apple-m', 20 / 8],
    ['12th Gen Intel(R) Core(TM) i7-1260P', null, null, 'laptop', 28 / 8],
    ['AMD Ryzen 7 7840U w/ Radeon 780M Graphics', null, null, 'laptop', 28 / 8],
    ['13th Gen Intel(R) Core(TM) i9-13900K', null, null, 'desktop', 65 / 8],
    ['AMD Ryzen 9 7950X 16-Core Processor', null, null, 'desktop', 65 / 8],
    ['Ampere Altra', null, null, 'ampere-altra', 210 / 80],
    ['QEMU Virtual CPU version 2.5+', null, null, 'fallback', 65 / 8],
  ])('%s (family %s model %s) → %s', (brand, family, model, rowId, watts) => {
    const power = resolveCpuPower({ brand, family, model });
    expect(power.rowId).toBe(rowId);
    expect(power.wattsPerCore).toBe(watts);
  });

  it('documents each row with its reference part', () => {
    expect(resolveCpuPower({ brand: 'AMD EPYC 9654 96-Core Processor' }).source).toBe('table amd-epyc-zen4: AMD EPYC 9654, 360 W TDP ÷ 96 cores');
    expect(resolveCpuPower({ brand: 'Apple M1' }).source).toMatch(/approximate/);
    expect(CPU_POWER_TABLE.every((row) => row.tdpWatts > 0 && row.cores > 0)).toBe(true);
  });

  it('takes the config first: wattsPerCore, then TDP ÷ cores', () => {
    expect(resolveCpuPower({ brand: 'AMD EPYC' }, { wattsPerCore: 7 })).toEqual({ wattsPerCore: 7, source: 'config: wattsPerCore', rowId: 'config' });
    expect(resolveCpuPower({ brand: 'x', physicalCores: 16 }, { tdpWatts: 120 })).toEqual({
      wattsPerCore: 7.5,
      source: 'config: 120 W TDP ÷ 16 cores (physical cores)',
      rowId: 'config',
    });
    expect(resolveCpuPower({ brand: 'x', physicalCores: 16 }, { tdpWatts: 120, cores: 10 }).wattsPerCore).toBe(12);
    expect(() => resolveCpuPower({ brand: 'x' }, { tdpWatts: 120 })).toThrow(RangeError);
  });
});

describe('estimate provider', () => {
  function scripted(values: number[]): () => number {
    let i = 0;
    return () => {
      const v = values[Math.min(i, values.length - 1)]!;
      i++;
      return v;
    };
  }

  it('is CPU seconds × W per core + W per GiB × GiB resident × seconds (exact joules)', async () => {
    let t = 0;
    const provider = createEstimateProvider({
      cpu: { brand: 'AMD EPYC 9654 96-Core Processor' }, // 3.75 W per core
      cpuSeconds: scripted([10, 12.5]), // 2.5 CPU seconds (e.g. 2 threads busy over 1.25 s)
      rssBytes: scripted([1.5 * 2 ** 30, 2.5 * 2 ** 30]), // mean 2 GiB
      memoryWattsPerGiB: 0.375,
      now: () => t,
    });
    expect(provider).toMatchObject({ id: 'estimate', estimated: true, subtractsBaseline: false, minSeconds: 0 });
    const session = await provider.begin();
    t += 4000;
    const energy = await session.end();
    expect(energy.inputs).toEqual({
      cpuSeconds: 2.5,
      wallSeconds: 4,
      wattsPerCore: 3.75,
      wattsPerCoreSource: 'table amd-epyc-zen4: AMD EPYC 9654, 360 W TDP ÷ 96 cores',
      memoryWattsPerGiB: 0.375,
      meanRssBytes: 2 * 2 ** 30,
      cpuJoules: 9.375,
      memoryJoules: 3,
    });
    expect(energy.joules).toBe(12.375);
    expect(energy.method).toBe(
      'estimate: CPU seconds × 3.75 W per core (table amd-epyc-zen4: AMD EPYC 9654, 360 W TDP ÷ 96 cores) + 0.375 W per GiB resident × seconds',
    );
  });

  it('uses the Green Algorithms memory constant by default and is never baseline-subtracted', async () => {
    expect(DEFAULT_MEMORY_WATTS_PER_GIB).toBe(0.3725);
    let t = 0;
    const provider = createEstimateProvider({
      wattsPerCore: 4,
      cpuSeconds: scripted([0, 3]),
      rssBytes: () => 2 ** 30,
      now: () => t,
    });
    const meter = createEnergyMeterFrom([provider], {}, { now: () => t, sleep: async (ms) => void (t += ms) });
    expect(await meter.baseline()).toEqual({});
    await meter.start();
    t += 2000;
    const reading = await meter.stop({ outputTokens: 100, totalTokens: 300, requests: 2 });
    const figure = reading.figures[0]!;
    expect(figure.joules).toBe(12 + 0.3725 * 1 * 2);
    expect(figure).toMatchObject({ estimated: true, baseline: null, baselineJoules: 0, grossJoules: figure.joules });
    expect(figure.joulesPerOutputToken).toBe(figure.joules / 100);
    expect(reading.total).toMatchObject({ providers: ['estimate'], method: 'estimate', estimated: true, joules: figure.joules });
    expect(reading.warnings).toEqual([]);
  });

  it('measures this process by default (real CPU time; no value asserted)', async () => {
    const provider = createEstimateProvider({ cpu: { brand: 'AMD EPYC' } });
    const session = await provider.begin();
    let x = 0;
    for (let i = 0; i < 1e6; i++) x += Math.sqrt(i);
    const energy = await session.end();
    expect(x).toBeGreaterThan(0);
    expect(energy.inputs!.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(energy.inputs!.meanRssBytes).toBeGreaterThan(0);
  });
});

describe('/proc/<pid>/stat CPU time', () => {
  it('reads utime + stime after the command name, even one with spaces and parentheses', () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 75 0 0 20 0 11 0 100 1000000 5000';
    expect(parseProcStatCpuSeconds(stat)).toBe(3.25);
    expect(parseProcStatCpuSeconds(stat, 1000)).toBe(0.325);
    expect(parseProcStatCpuSeconds('garbage')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('reads this process', () => {
    expect(readProcCpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(readProcCpuSeconds(2 ** 30)).toBeNull();
  });
});
