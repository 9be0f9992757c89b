import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMeter, createEnergyMeterFrom } from '../../harness/trackers/energy/createEnergyMeter.js';
import { createRaplProvider, raplCounterDelta } from '../../harness/trackers/energy/createRaplProvider.js';
import { probeRapl } from '../../harness/trackers/energy/probeRapl.js';

const MAX = 262143328850; // a real max_energy_range_uj (Intel client parts)
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

interface FakeZone {
  id: string;
  name: string;
  energy: number;
  max?: number;
}

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

/** A powercap tree as /sys/class/powercap lists it (flat), or nested under intel-rapl/ like /sys/devices. */
async function makeTree(zones: FakeZone[], layout: 'flat' | 'nested' = 'flat'): Promise<{ root: string; set: (id: string, uj: number) => Promise<void>; folder: (id: string) => string }> {
  const root = await mkdtemp(join(tmpdir(), 'slmbench-powercap-'));
  roots.push(root);
  const folder = (id: string): string => {
    if (layout === 'flat') return join(root, id);
    const parts = id.split(':');
    let path = join(root, 'intel-rapl');
    for (let i = 2; i <= parts.length; i++) path = join(path, parts.slice(0, i).join(':'));
    return path;
  };
  for (const zone of zones) {
    const dir = folder(zone.id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'name'), `${zone.name}\n`);
    await writeFile(join(dir, 'max_energy_range_uj'), `${zone.max ?? MAX}\n`);
    await writeFile(join(dir, 'energy_uj'), `${zone.energy}\n`);
  }
  // A control-type folder and an MMIO zone that must be ignored.
  await mkdir(join(root, 'intel-rapl-mmio:0'), { recursive: true });
  await writeFile(join(root, 'intel-rapl-mmio:0', 'energy_uj'), '999999999\n');
  const set = async (id: string, uj: number) => {
    const file = join(folder(id), 'energy_uj');
    await writeFile(`${file}.tmp`, `${uj}\n`);
    await rename(`${file}.tmp`, file); // atomic: a concurrent poll never sees a half-written file
  };
  return { root, set, folder };
}

function fakeClock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const SERVER: FakeZone[] = [
  { id: 'intel-rapl:0', name: 'package-0', energy: 1_000_000 },
  { id: 'intel-rapl:0:0', name: 'core', energy: 500_000 },
  { id: 'intel-rapl:0:1', name: 'dram', energy: 200_000 },
  { id: 'intel-rapl:1', name: 'package-1', energy: 2_000_000 },
];

describe('raplCounterDelta', () => {
  it('handles one wrap-around with max_energy_range_uj', () => {
    expect(raplCounterDelta(100, 350, MAX)).toBe(250);
    expect(raplCounterDelta(MAX - 1_000_000, 3_000_000, MAX)).toBe(4_000_000);
    expect(raplCounterDelta(10, 5, null)).toBeNull();
  });
});

describe('probeRapl', () => {
  it('finds packages, subzones and their domains, flat or nested, and skips MMIO zones', async () => {
    for (const layout of ['flat', 'nested'] as const) {
      const { root, folder } = await makeTree(SERVER, layout);
      const probe = await probeRapl({ root });
      expect(probe.status).toBe('available');
      if (probe.status !== 'available') return;
      expect(probe.zones.map((z) => [z.id, z.name, z.domain, z.inTotal, z.maxEnergyRangeUj])).toEqual([
        ['intel-rapl:0', 'package-0', 'package', true, MAX],
        ['intel-rapl:0:0', 'core', 'core', false, MAX],
        ['intel-rapl:0:1', 'dram', 'dram', true, MAX],
        ['intel-rapl:1', 'package-1', 'package', true, MAX],
      ]);
      expect(probe.zones[1]!.path).toBe(folder('intel-rapl:0:0'));
    }
  });

  it('reports an absent interface and counters that fail to read', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'slmbench-powercap-'));
    roots.push(empty);
    expect(await probeRapl({ root: empty })).toMatchObject({ status: 'absent' });
    expect(await probeRapl({ root: join(empty, 'missing') })).toMatchObject({ status: 'absent' });
    // energy_uj that is a folder (EISDIR): present but failing, not a permission problem.
    const { root, folder } = await makeTree([{ id: 'intel-rapl:0', name: 'package-0', energy: 1 }]);
    await rm(join(folder('intel-rapl:0'), 'energy_uj'));
    await mkdir(join(folder('intel-rapl:0'), 'energy_uj'));
    const probe = await probeRapl({ root });
    expect(probe.status).toBe('failed');
    if (probe.status === 'failed') expect(probe.warning).toMatch(/EISDIR.*falls back to the estimate/);
  });

  it('warns loudly and specifically when energy_uj is not readable (EACCES from the read function)', async () => {
    const { root } = await makeTree(SERVER);
    const denyEnergy = async (path: string) => {
      if (path.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      return readFile(path, 'utf8');
    };
    const probe = await probeRapl({ root, readText: denyEnergy });
    expect(probe.status).toBe('unreadable');
    if (probe.status !== 'unreadable') return;
    expect(probe.unreadable).toHaveLength(4);
    expect(probe.warning).toContain('CVE-2020-8694');
    expect(probe.warning).toContain(`sudo chmod o+r ${root}/intel-rapl:*/energy_uj ${root}/intel-rapl:*:*/energy_uj`);
    expect(probe.warning).toContain('udev rule');
    expect(probe.warning).toContain('run slmbench as root');
    expect(probe.warning).toContain(`${root}/intel-rapl:0/energy_uj (EACCES)`);

    // Through the meter: RAPL is left out, the estimate stands in, and every reading carries the warning.
    const clock = fakeClock();
    const meter = await createEnergyMeter(
      { providers: ['rapl', 'estimate'], rapl: { root } },
      { platform: 'linux', readText: denyEnergy, now: clock.now, cpuSeconds: () => 0, rssBytes: () => 0, cpu: { brand: 'AMD EPYC 9654 96-Core Processor' } },
    );
    expect(meter.providers.map((p) => p.id)).toEqual(['estimate']);
    expect(meter.unavailable[0]).toMatchObject({ provider: 'rapl' });
    await meter.start();
    const reading = await meter.stop({ outputTokens: 1, totalTokens: 2, requests: 1 });
    expect(reading.warnings[0]).toBe(probe.warning);
    expect(reading.total).toMatchObject({ providers: ['estimate'], estimated: true });
  });

  const nobodyCanRead = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(repoRoot, 'harness/trackers/energy/probeRapl.ts'))})`], {
      uid: 65534,
      gid: 65534,
    });
    return r.status === 0;
  })();

  it.runIf(nobodyCanRead)('gets a real EACCES for a root-only energy_uj when run as an unprivileged user (tests run as root)', async () => {
    const { root, folder } = await makeTree(SERVER);
    await chmod(root, 0o755);
    for (const zone of SERVER) await chmod(join(folder(zone.id), 'energy_uj'), 0o400); // as after CVE-2020-8694
    const script = join(root, 'probe.mts');
    await writeFile(script, `import { probeRapl } from ${JSON.stringify(join(repoRoot, 'harness/trackers/energy/probeRapl.ts'))};\nconsole.log(JSON.stringify(await probeRapl({ root: process.argv[2] })));\n`);
    await chmod(script, 0o644);
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, root], {
      uid: 65534,
      gid: 65534,
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, HOME: tmpdir() },
    });
    expect(child.stderr).toBe('');
    const probe = JSON.parse(child.stdout) as { status: string; unreadable: string[]; warning: string };
    expect(probe.status).toBe('unreadable');
    expect(probe.unreadable).toEqual(SERVER.map((z) => `${join(folder(z.id), 'energy_uj')} (EACCES)`));
    // The same tree is readable by root.
    expect((await probeRapl({ root })).status).toBe('available');
  });
});

describe('RAPL provider through the meter', () => {
  it('measures exact joules: packages + DRAM, core inside the package, idle baseline subtracted', async () => {
    const { root, set } = await makeTree(SERVER);
    const clock = fakeClock();
    const state = { p0: 1_000_000, core: 500_000, dram: 200_000, p1: 2_000_000 };
    const write = async () => {
      await set('intel-rapl:0', state.p0);
      await set('intel-rapl:0:0', state.core);
      await set('intel-rapl:0:1', state.dram);
      await set('intel-rapl:1', state.p1);
    };
    // The idle second of the baseline: 5 W per package, 1 W DRAM, 2 W core → 11 W counted.
    const sleep = async (ms: number) => {
      clock.advance(ms);
      state.p0 += 5_000_000;
      state.p1 += 5_000_000;
      state.dram += 1_000_000;
      state.core += 2_000_000;
      await write();
    };
    const meter = await createEnergyMeter({ providers: ['rapl'], rapl: { root } }, { platform: 'linux', now: clock.now, sleep });
    expect(meter.providers.map((p) => p.id)).toEqual(['rapl']);
    expect(meter.minSeconds).toBe(1);
    const baseline = await meter.baseline();
    expect(baseline.rapl).toEqual({ watts: 11, seconds: 1, joules: 11 });

    await meter.start();
    state.p0 += 40_000_000;
    state.p1 += 30_500_000;
    state.dram += 4_250_000;
    state.core += 25_000_000;
    await write();
    clock.advance(2000);
    const reading = await meter.stop({ outputTokens: 500, totalTokens: 1000, requests: 4 });

    const rapl = reading.figures[0]!;
    expect(rapl.provider).toBe('rapl');
    expect(rapl.estimated).toBe(false);
    expect(rapl.grossJoules).toBe(74.75); // 40 + 30.5 + 4.25 (core is inside package-0)
    expect(rapl.baselineJoules).toBe(22); // 11 W × 2 s
    expect(rapl.joules).toBe(52.75);
    expect(rapl.seconds).toBe(2);
    expect(rapl.joulesPerOutputToken).toBe(0.1055);
    expect(rapl.joulesPerTotalToken).toBe(0.05275);
    expect(rapl.joulesPerRequest).toBe(13.1875);
    expect(rapl.kWh).toBe(52.75 / 3.6e6);
    expect(rapl.gCO2e).toBe((52.75 / 3.6e6) * 475);
    expect(rapl.domains!.map((d) => [d.name, d.joules, d.inTotal])).toEqual([
      ['package-0', 40, true],
      ['core', 25, false],
      ['dram', 4.25, true],
      ['package-1', 30.5, true],
    ]);
    expect(rapl.method).toBe(`rapl: energy_uj counters under ${root} (package-0, dram, package-1; whole machine)`);
    expect(reading.total).toMatchObject({ providers: ['rapl'], method: 'rapl', estimated: false, joules: 52.75 });
    expect(reading.gridIntensity).toBe(475);
    expect(reading.gridIntensityDefault).toBe(true);
    expect(reading.warnings).toEqual([]);
  });

  it('counts a counter that wrapped around during the measurement', async () => {
    const { root, set } = await makeTree([{ id: 'intel-rapl:0', name: 'package-0', energy: MAX - 1_000_000 }]);
    const probe = await probeRapl({ root });
    if (probe.status !== 'available') throw new Error('tree not available');
    const clock = fakeClock();
    const meter = createEnergyMeterFrom([createRaplProvider({ zones: probe.zones, root, now: clock.now })], {}, { now: clock.now });
    await meter.start();
    await set('intel-rapl:0', 3_000_000);
    clock.advance(1500);
    const reading = await meter.stop({ outputTokens: 8, totalTokens: 16, requests: 1 });
    expect(reading.figures[0]!.joules).toBe(4); // (MAX − (MAX − 1e6)) + 3e6 µJ
    expect(reading.figures[0]!.baseline).toBeNull();
    expect(reading.warnings).toEqual([
      'rapl: 1 counter wrap-around(s) handled with max_energy_range_uj',
      'rapl: no idle baseline was taken: the figure includes the idle power of everything it measures',
    ]);
  });

  it('catches two wrap-arounds when a poll reads between them', async () => {
    const max = 10_000_000;
    const { root, set } = await makeTree([{ id: 'intel-rapl:0', name: 'package-0', energy: 9_000_000, max }]);
    const probe = await probeRapl({ root });
    if (probe.status !== 'available') throw new Error('tree not available');
    let reads = 0;
    const readText = async (path: string) => {
      if (path.endsWith('energy_uj')) reads++;
      return readFile(path, 'utf8');
    };
    const provider = createRaplProvider({ zones: probe.zones, root, pollIntervalMs: 1, readText });
    const session = await provider.begin();
    await set('intel-rapl:0', 4_000_000); // wrapped once: +5 J
    const seen = reads;
    while (reads < seen + 2) await new Promise((r) => setTimeout(r, 2)); // a poll has read the new value
    await set('intel-rapl:0', 1_000_000); // wrapped again: +7 J
    const energy = await session.end();
    expect(energy.joules).toBe(12);
  });
});
