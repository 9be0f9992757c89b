import { describe, expect, it } from 'vitest';
import { createEnergyMeterFrom } from '../../harness/trackers/energy/createEnergyMeter.js';
import { energyAmounts } from '../../harness/trackers/energy/energyAmounts.js';
import type { EnergyProvider, EnergyProviderId } from '../../harness/trackers/energy/EnergyTypes.js';

/** A provider that reports scripted (joules, seconds) per session, in order. */
function scripted(id: EnergyProviderId, sessions: Array<[number, number] | Error>, options: { estimated?: boolean; minSeconds?: number } = {}): EnergyProvider {
  let n = 0;
  const estimated = options.estimated ?? id === 'estimate';
  return {
    id,
    estimated,
    scope: `${id} scope`,
    minSeconds: options.minSeconds ?? 0,
    subtractsBaseline: !estimated,
    async begin() {
      const script = sessions[n++];
      return {
        async end() {
          if (script === undefined || script instanceof Error) throw script ?? new Error('no script');
          return { joules: script[0], seconds: script[1], method: `${id} method`, warnings: [] };
        },
      };
    },
  };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms), sleep: async (ms: number) => void (t += ms) };
}

const WORK = { outputTokens: 256, totalTokens: 512, requests: 2 };

describe('energyAmounts', () => {
  it('divides by the work and converts to kWh and gCO2e', () => {
    expect(energyAmounts(7.2, WORK, 500)).toEqual({
      joules: 7.2,
      joulesPerOutputToken: 7.2 / 256,
      joulesPerTotalToken: 7.2 / 512,
      joulesPerRequest: 3.6,
      kWh: 0.000002,
      gCO2e: 0.000002 * 500,
    });
    expect(energyAmounts(1, { outputTokens: 0, totalTokens: 0, requests: 0 }, 475)).toMatchObject({
      joulesPerOutputToken: null,
      joulesPerTotalToken: null,
      joulesPerRequest: null,
    });
  });
});

describe('createEnergyMeterFrom', () => {
  it('sums measured CPU and GPU figures, each minus its own baseline, and keeps the estimate beside them', async () => {
    const c = clock();
    const meter = createEnergyMeterFrom(
      [scripted('rapl', [[20, 1], [130, 2]]), scripted('nvidia', [[50, 1], [300, 2]]), scripted('estimate', [[7, 2]])],
      { gridIntensity: 100 },
      c,
    );
    await meter.baseline();
    await meter.start();
    c.advance(2000);
    const reading = await meter.stop(WORK);
    expect(reading.figures.map((f) => [f.provider, f.grossJoules, f.baselineJoules, f.joules])).toEqual([
      ['rapl', 130, 40, 90],
      ['nvidia', 300, 100, 200],
      ['estimate', 7, 0, 7],
    ]);
    expect(reading.total).toEqual({
      providers: ['rapl', 'nvidia'],
      method: 'rapl + nvidia',
      estimated: false,
      ...energyAmounts(290, WORK, 100),
    });
    expect(reading.seconds).toBe(2);
    expect(reading.gridIntensityDefault).toBe(false);
  });

  it('lets the estimate stand in for the CPU when only the GPU is measured, and marks the total estimated', async () => {
    const c = clock();
    const meter = createEnergyMeterFrom([scripted('nvidia', [[10, 1], [100, 4]]), scripted('estimate', [[12.5, 4]])], {}, c);
    await meter.baseline();
    await meter.start();
    const reading = await meter.stop(WORK);
    expect(reading.total).toMatchObject({ providers: ['nvidia', 'estimate'], method: 'nvidia + estimate', estimated: true, joules: 72.5 });
  });

  it('counts a figure below its idle baseline as 0, with a warning', async () => {
    const c = clock();
    const meter = createEnergyMeterFrom([scripted('rapl', [[30, 1], [50, 2]])], {}, c);
    await meter.baseline();
    await meter.start();
    const reading = await meter.stop(WORK);
    expect(reading.figures[0]).toMatchObject({ grossJoules: 50, baselineJoules: 60, joules: 0 });
    expect(reading.warnings).toEqual([
      "rapl: measured 50 J, less than the idle baseline's 60 J over the same time: counted as 0 (noise, or the baseline was not idle)",
    ]);
  });

  it('warns about a failed baseline and a measurement shorter than the provider minimum', async () => {
    const c = clock();
    const meter = createEnergyMeterFrom([scripted('rapl', [new Error('EIO'), [5, 0.5]], { minSeconds: 1 })], {}, c);
    expect(meter.minSeconds).toBe(1);
    expect(await meter.baseline()).toEqual({});
    await meter.start();
    const reading = await meter.stop(WORK);
    expect(reading.figures[0]).toMatchObject({ joules: 5, baseline: null });
    expect(reading.warnings).toEqual([
      'rapl: the idle baseline failed (EIO); nothing is subtracted',
      'rapl: no idle baseline was taken: the figure includes the idle power of everything it measures',
      'rapl: measured over 0.500 s, less than the 1 s this provider needs for a meaningful figure',
    ]);
  });

  it('measures the baseline over baselineSeconds and refuses misuse', async () => {
    const c = clock();
    const meter = createEnergyMeterFrom([scripted('rapl', [[6, 3], [1, 1]])], { baselineSeconds: 3 }, c);
    expect((await meter.baseline()).rapl).toEqual({ watts: 2, seconds: 3, joules: 6 });
    expect(c.now()).toBe(3000);
    await expect(meter.stop(WORK)).rejects.toThrow(/before it was started/);
    await meter.start();
    await expect(meter.start()).rejects.toThrow(/already started/);
    expect(() => createEnergyMeterFrom([], { baselineSeconds: 0 })).toThrow(RangeError);
  });
});
