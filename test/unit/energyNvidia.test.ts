import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyMeter } from '../../harness/trackers/energy/createEnergyMeter.js';
import { integratePower } from '../../harness/trackers/energy/createNvidiaProvider.js';
import { parseNvidiaGpuEnergy } from '../../harness/trackers/energy/parseNvidiaGpuEnergy.js';
import { parseNvidiaComputeApps, queryGpuProcessMemory, selectProcessMemory } from '../../harness/trackers/queryGpuProcessMemory.js';

/**
 * A fake nvidia-smi, put first on PATH: `--query-compute-apps` prints compute-apps.txt; `--query-gpu`
 * prints gpu-<n>.csv where n counts its own calls (kept in a counter file it increments), so each call
 * of the provider gets the next scripted reading.
 */
const FAKE_SMI = `#!/bin/sh
case "$*" in
  *--query-compute-apps=pid,used_memory*) cat "$FAKE_SMI_STATE/compute-apps.txt"; exit 0 ;;
  *--query-gpu=index,uuid,total_energy_consumption,power.draw*) ;;
  *) echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 2 ;;
esac
n=$(cat "$FAKE_SMI_STATE/count" 2>/dev/null || echo 0)
echo $((n + 1)) > "$FAKE_SMI_STATE/count"
if [ ! -f "$FAKE_SMI_STATE/gpu-$n.csv" ]; then echo "fake nvidia-smi: no reading $n" >&2; exit 3; fi
cat "$FAKE_SMI_STATE/gpu-$n.csv"
`;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function fakeSmi(readings: string[], computeApps = ''): Promise<{ env: NodeJS.ProcessEnv; calls: () => Promise<number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slmbench-fake-smi-'));
  dirs.push(dir);
  await writeFile(join(dir, 'nvidia-smi'), FAKE_SMI);
  await chmod(join(dir, 'nvidia-smi'), 0o755);
  for (const [n, text] of readings.entries()) await writeFile(join(dir, `gpu-${n}.csv`), text);
  await writeFile(join(dir, 'compute-apps.txt'), computeApps);
  const env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, FAKE_SMI_STATE: dir };
  const { readFile } = await import('node:fs/promises');
  return { env, calls: async () => Number(await readFile(join(dir, 'count'), 'utf8').catch(() => '0')) };
}

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms), sleep: async (ms: number) => void (t += ms) };
}

const gpus = (e0: string, p0: string, e1: string, p1: string) =>
  `0, GPU-aaaa-0000, ${e0}, ${p0}\n1, GPU-bbbb-1111, ${e1}, ${p1}\n`;

describe('parseNvidiaGpuEnergy', () => {
  it('reads index, uuid, energy (mJ) and power (W); [N/A] becomes null', () => {
    expect(parseNvidiaGpuEnergy('0, GPU-1, 123456789, 71.25\n1, GPU-2, [N/A], [Not Supported]\n\n')).toEqual([
      { index: 0, uuid: 'GPU-1', energyMj: 123456789, powerW: 71.25 },
      { index: 1, uuid: 'GPU-2', energyMj: null, powerW: null },
    ]);
  });
});

describe('NVIDIA provider with a fake nvidia-smi on PATH', () => {
  it('uses the energy counter of the selected GPU only, minus its idle baseline (exact joules)', async () => {
    const smi = await fakeSmi([
      gpus('900000', '70', '5000000', '61'), // probe
      gpus('900000', '70', '5000000', '61'), // baseline start
      gpus('999999', '70', '5060000', '61'), // baseline end: 60 J in 1 s
      gpus('999999', '70', '5100000', '61'), // start
      gpus('7777777', '70', '5550500', '61'), // stop: 450.5 J in 2.5 s
    ]);
    const clock = fakeClock();
    const meter = await createEnergyMeter(
      { providers: ['nvidia'], gridIntensity: 400 },
      { gpus: ['GPU-bbbb-1111'], env: smi.env, now: clock.now, sleep: clock.sleep },
    );
    expect(meter.providers.map((p) => p.id)).toEqual(['nvidia']);
    expect(meter.minSeconds).toBe(1);
    expect((await meter.baseline()).nvidia).toEqual({ watts: 60, seconds: 1, joules: 60 });
    await meter.start();
    clock.advance(2500);
    const reading = await meter.stop({ outputTokens: 1000, totalTokens: 2000, requests: 10 });
    const figure = reading.figures[0]!;
    expect(figure).toMatchObject({
      provider: 'nvidia',
      estimated: false,
      grossJoules: 450.5,
      baselineJoules: 150,
      joules: 300.5,
      seconds: 2.5,
      joulesPerOutputToken: 0.3005,
      joulesPerTotalToken: 0.15025,
      joulesPerRequest: 30.05,
    });
    expect(figure.gCO2e).toBe((300.5 / 3.6e6) * 400);
    expect(figure.domains).toEqual([{ name: 'gpu 1 (GPU-bbbb-1111)', joules: 450.5, source: 'GPU-bbbb-1111', inTotal: true }]);
    expect(figure.method).toBe('nvidia: total_energy_consumption counter of nvidia-smi (gpu 1 (GPU-bbbb-1111))');
    expect(reading.gridIntensityDefault).toBe(false);
    expect(reading.total).toMatchObject({ providers: ['nvidia'], joules: 300.5, estimated: false });
    expect(reading.warnings).toEqual([]);
    expect(await smi.calls()).toBe(5);
  });

  it('integrates power.draw where the counter is [N/A] (exact joules, trapezoids)', async () => {
    const smi = await fakeSmi([
      gpus('[N/A]', '50', '[N/A]', '99'), // probe
      gpus('[N/A]', '30', '[N/A]', '99'), // baseline start: 30 W
      gpus('[N/A]', '30', '[N/A]', '99'), // baseline end: 30 W → 30 J in 1 s
      gpus('[N/A]', '40', '[N/A]', '99'), // start: 40 W
      gpus('[N/A]', '60', '[N/A]', '99'), // stop: 60 W, 2 s later → 100 J
    ]);
    const clock = fakeClock();
    const meter = await createEnergyMeter(
      // A long sample interval: only the start and end readings, so the result is exact.
      { providers: ['nvidia'], nvidia: { sampleIntervalMs: 1e9 } },
      { gpus: [0], env: smi.env, now: clock.now, sleep: clock.sleep },
    );
    expect(meter.warnings).toEqual(['nvidia: GPU 0 has no energy counter; integrating power.draw samples instead']);
    expect(meter.minSeconds).toBe(5);
    expect((await meter.baseline()).nvidia).toEqual({ watts: 30, seconds: 1, joules: 30 });
    await meter.start();
    clock.advance(2000);
    const reading = await meter.stop({ outputTokens: 64, totalTokens: 128, requests: 1 });
    expect(reading.figures[0]).toMatchObject({ grossJoules: 100, baselineJoules: 60, joules: 40, samples: 2, seconds: 2 });
    expect(reading.figures[0]!.method).toMatch(/^nvidia: power.draw of nvidia-smi sampled every 1000000000 ms, trapezoid integration/);
    expect(reading.warnings).toContain('nvidia: measured over 2.000 s, less than the 5 s this provider needs for a meaningful figure');
  });

  it('is inactive without GPUs, and warns when the GPUs in use cannot be measured', async () => {
    const none = await createEnergyMeter({ providers: 'auto' }, { platform: 'linux', gpus: [], env: { PATH: '' }, cpuSeconds: () => 0, rssBytes: () => 0 });
    expect(none.providers.map((p) => p.id)).not.toContain('nvidia');
    expect(none.unavailable).toContainEqual({ provider: 'nvidia', reason: 'the entry uses no NVIDIA GPU' });
    expect(none.warnings.filter((w) => w.startsWith('nvidia'))).toEqual([]);

    const missing = await createEnergyMeter({ providers: ['nvidia'] }, { gpus: [0], env: { PATH: '' } });
    expect(missing.providers).toEqual([]);
    expect(missing.warnings).toEqual(['nvidia: nvidia-smi is not on PATH']);

    const smi = await fakeSmi([gpus('1', '1', '2', '2')]);
    const unknown = await createEnergyMeter({ providers: ['nvidia'] }, { gpus: [3, 'GPU-aaaa-0000'], env: smi.env });
    expect(unknown.providers.map((p) => p.id)).toEqual(['nvidia']);
    expect(unknown.warnings).toEqual(["nvidia: GPU 3 is not among nvidia-smi's GPUs (0, 1)"]);
  });

  it('leaves a provider that fails mid-measurement out of the reading, with a warning', async () => {
    const smi = await fakeSmi([gpus('1', '1', '2', '2'), gpus('1', '1', '2', '2')]); // no reading for the stop
    const meter = await createEnergyMeter({ providers: ['nvidia'] }, { gpus: [1], env: smi.env });
    await meter.start();
    const reading = await meter.stop({ outputTokens: 1, totalTokens: 1, requests: 1 });
    expect(reading.figures).toEqual([]);
    expect(reading.total).toBeNull();
    expect(reading.warnings[0]).toMatch(/^nvidia: the measurement failed \(.*no reading 2/);
  });
});

describe('integratePower', () => {
  it('holds the end samples and takes trapezoids between samples', () => {
    // 10 W held over 0–100 ms, a 10→30 W trapezoid over 100–300 ms, 30 W held over 300–400 ms.
    expect(integratePower([{ time: 100, watts: 10 }, { time: 300, watts: 30 }], 0, 400)).toBe((10 * 100 + 20 * 200 + 30 * 100) / 1000);
    expect(integratePower([], 0, 1000)).toBe(0);
    expect(integratePower([{ time: 500, watts: 8 }], 0, 1000)).toBe(8);
  });
});

describe('GPU memory per process (nvidia-smi --query-compute-apps)', () => {
  it('parses pid and MiB lines and sums a process over its GPUs', () => {
    const apps = parseNvidiaComputeApps('1234, 512\n5678, 1024\n1234, 256\n42, [N/A]\nNo running processes found\n');
    expect(apps).toEqual([
      { pid: 1234, usedBytes: 512 * 2 ** 20 },
      { pid: 5678, usedBytes: 1024 * 2 ** 20 },
      { pid: 1234, usedBytes: 256 * 2 ** 20 },
      { pid: 42, usedBytes: null },
    ]);
    expect(selectProcessMemory(apps, 1234)).toMatchObject({ found: true, usedBytes: 768 * 2 ** 20 });
    expect(selectProcessMemory(apps, 42)).toMatchObject({ found: true, usedBytes: null });
    expect(selectProcessMemory(apps, 7)).toEqual({ pid: 7, found: false, usedBytes: null, entries: [] });
  });

  it('queries the fake nvidia-smi for one pid, and gives null without nvidia-smi', async () => {
    const smi = await fakeSmi([], '1234, 512\n5678, 1024\n1234, 256\n');
    expect(await queryGpuProcessMemory(1234, { env: smi.env })).toMatchObject({ pid: 1234, found: true, usedBytes: 805306368 });
    expect(await queryGpuProcessMemory(999, { env: smi.env })).toMatchObject({ found: false, usedBytes: null });
    expect(await queryGpuProcessMemory(1234, { env: { PATH: '' } })).toBeNull();
  });
});
