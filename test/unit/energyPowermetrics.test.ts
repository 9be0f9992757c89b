import { access, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { meanPowerW } from '../../harness/trackers/energy/createPowermetricsProvider.js';
import { parsePowermetrics, samplePowerW } from '../../harness/trackers/energy/parsePowermetrics.js';
import { selectProviders } from '../../harness/trackers/energy/selectProviders.js';

/** Two samples as `powermetrics --samplers cpu_power -i 1000` prints them on Apple silicon (trimmed). */
const APPLE_SILICON = `Machine model: Mac14,2
OS version: 22G91
Boot arguments:
Boot time: Mon Sep  4 09:12:26 2023



*** Sampled system activity (Mon Sep  4 10:32:11 2023 +0200) (1000.00ms elapsed) ***


**** Processor usage ****

E-Cluster HW active frequency: 1020 MHz
E-Cluster HW active residency:  43.89% (600 MHz:  29% 912 MHz: 9.5% 1284 MHz:  27%)
E-Cluster idle residency:  56.11%
CPU 0 frequency: 1059 MHz
CPU 0 active residency:  30.30% (600 MHz:  21% 912 MHz: 2.0%)
P-Cluster HW active frequency: 2561 MHz
P-Cluster HW active residency:  12.40% (660 MHz: 1.1% 3504 MHz: 9.8%)

CPU Power: 1250 mW
GPU Power: 250 mW
ANE Power: 0 mW
Combined Power (CPU + GPU + ANE): 1500 mW

**** GPU usage ****

GPU HW active frequency: 389 MHz
GPU idle residency:  98.39%
GPU Power: 250 mW


*** Sampled system activity (Mon Sep  4 10:32:12 2023 +0200) (1000.00ms elapsed) ***


**** Processor usage ****

CPU Power: 2250 mW
GPU Power: 250 mW
ANE Power: 0 mW
Combined Power (CPU + GPU + ANE): 2500 mW
`;

/** One sample of an Intel Mac. */
const INTEL_MAC = `*** Sampled system activity (Tue Jan 10 10:00:00 2023 -0800) (502.31ms elapsed) ***

**** Processor usage ****

Intel energy model derived package power (CPUs+GT+SA): 2.57W

LLC flushed residency: 78.4%

System Average frequency as fraction of nominal: 66.92% (1472.24 Mhz)
`;

describe('parsePowermetrics', () => {
  it('reads Apple silicon samples: interval, CPU, GPU, ANE and combined power', () => {
    expect(parsePowermetrics(APPLE_SILICON)).toEqual([
      { elapsedMs: 1000, cpuW: 1.25, gpuW: 0.25, aneW: 0, combinedW: 1.5, packageW: null },
      { elapsedMs: 1000, cpuW: 2.25, gpuW: 0.25, aneW: 0, combinedW: 2.5, packageW: null },
    ]);
  });

  it('reads the package power of Intel Macs', () => {
    const samples = parsePowermetrics(INTEL_MAC);
    expect(samples).toEqual([{ elapsedMs: 502.31, cpuW: null, gpuW: null, aneW: null, combinedW: null, packageW: 2.57 }]);
    expect(samplePowerW(samples[0]!)).toBe(2.57);
  });

  it('weights samples by their intervals', () => {
    expect(meanPowerW(parsePowermetrics(APPLE_SILICON), 250)).toBe(2);
    expect(meanPowerW([], 250)).toBeNull();
  });
});

describe('powermetrics provider', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('applies on macOS as root only', async () => {
    const linux = await selectProviders({ providers: 'auto' }, { platform: 'linux', gpus: [], env: { PATH: '' } });
    expect(linux.unavailable).toContainEqual({ provider: 'powermetrics', reason: 'powermetrics exists on macOS only; this is linux' });
    expect(linux.warnings.some((w) => w.startsWith('powermetrics'))).toBe(false);
    const user = await selectProviders({ providers: 'auto' }, { platform: 'darwin', uid: 501, env: { PATH: '' } });
    expect(user.providers.map((p) => p.id)).toEqual(['estimate']);
    expect(user.warnings).toContain(
      'powermetrics: powermetrics needs root: run slmbench with sudo to measure CPU energy on macOS; it is estimated instead',
    );
  });

  it('runs powermetrics from start to end and gives mean power × seconds (fake executable, exact joules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slmbench-fake-powermetrics-'));
    dirs.push(dir);
    await writeFile(join(dir, 'sample.txt'), APPLE_SILICON);
    // Prints its samples, says so, then waits to be stopped like the real one.
    await writeFile(
      join(dir, 'powermetrics'),
      `#!/bin/sh\n[ "$*" = "--samplers cpu_power -i 1000" ] || { echo "unexpected arguments: $*" >&2; exit 2; }\ncat "${dir}/sample.txt"\ntouch "${dir}/printed"\nexec sleep 30\n`,
    );
    await chmod(join(dir, 'powermetrics'), 0o755);
    let t = 0;
    const selection = await selectProviders(
      { providers: ['powermetrics'], powermetrics: { intervalMs: 1000 } },
      { platform: 'darwin', uid: 0, env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` }, now: () => t },
    );
    const provider = selection.providers[0]!;
    expect(provider).toMatchObject({ id: 'powermetrics', estimated: false, subtractsBaseline: true, minSeconds: 5 });
    const session = await provider.begin();
    for (;;) {
      try {
        await access(join(dir, 'printed'));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    t += 2000;
    const energy = await session.end();
    expect(energy.joules).toBe(4); // mean 2 W (1.5 and 2.5 W, 1 s each) × 2 s
    expect(energy.seconds).toBe(2);
    expect(energy.samples).toBe(2);
    expect(energy.domains).toEqual([
      { name: 'combined', joules: 4, inTotal: true },
      { name: 'cpu', joules: 3.5, inTotal: false },
      { name: 'gpu', joules: 0.5, inTotal: false },
      { name: 'ane', joules: 0, inTotal: false },
    ]);
  });
});
