/**
 * Energy of the NVIDIA GPUs a worker uses, through nvidia-smi. Where every selected GPU has the
 * cumulative energy counter (`total_energy_consumption`, mJ, Volta and newer), the figure is the
 * counter's difference between start and end. Otherwise `power.draw` is sampled every
 * `sampleIntervalMs` and integrated over [start, end] by the trapezoid rule (the first and last samples
 * held to the ends); nvidia-smi's power reading is itself averaged by the driver (up to 1 s on recent
 * drivers), so power integration wants measurements of several seconds (the meter's sampling minimum).
 * Each nvidia-smi call takes tens of milliseconds; a reading is timed at the middle of its call.
 */
import { runNvidiaSmi, type RunNvidiaSmiOptions } from '../runNvidiaSmi.js';
import type { EnergyDomain, EnergyProvider, EnergySession, ProviderEnergy } from './EnergyTypes.js';
import { NVIDIA_ENERGY_ARGS, parseNvidiaGpuEnergy, type NvidiaGpuEnergy } from './parseNvidiaGpuEnergy.js';

/** Options of {@link createNvidiaProvider}. */
export interface NvidiaProviderOptions {
  /** The GPUs to measure (from {@link probeNvidiaGpus}). Required, non-empty. */
  gpus: Array<{ index: number; uuid: string }>;
  /** `counter` (energy counter) or `power` (power.draw integration). Required. */
  mode: 'counter' | 'power';
  /** How nvidia-smi is run. Default: found on PATH, 5 s limit. */
  smi?: RunNvidiaSmiOptions;
  /** Interval of power samples (ms), power mode. Default: 100. */
  sampleIntervalMs?: number;
  /** Minimum measuring time (s). Default: 1 in counter mode, 5 in power mode. */
  minSeconds?: number;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
}

/** What {@link probeNvidiaGpus} found. */
export type NvidiaProbe =
  | { status: 'available'; gpus: NvidiaGpuEnergy[]; mode: 'counter' | 'power'; warnings: string[] }
  | { status: 'unavailable'; reason: string; warnings: string[] };

/**
 * Queries nvidia-smi once and picks the GPUs named in `selection` (indices or UUIDs); `counter` mode
 * when all of them report the energy counter, else `power` mode when all report power.draw.
 */
export async function probeNvidiaGpus(selection: ReadonlyArray<number | string>, smi: RunNvidiaSmiOptions = {}): Promise<NvidiaProbe> {
  if (selection.length === 0) return { status: 'unavailable', reason: 'the entry uses no NVIDIA GPU', warnings: [] };
  let all: NvidiaGpuEnergy[];
  try {
    all = parseNvidiaGpuEnergy(await runNvidiaSmi(NVIDIA_ENERGY_ARGS, smi));
  } catch (error) {
    return { status: 'unavailable', reason: (error as Error).message, warnings: [] };
  }
  const warnings: string[] = [];
  const gpus: NvidiaGpuEnergy[] = [];
  for (const wanted of selection) {
    const key = String(wanted).trim().toLowerCase();
    const gpu = all.find((g) => String(g.index) === key || g.uuid.toLowerCase() === key);
    if (!gpu) warnings.push(`GPU ${wanted} is not among nvidia-smi's GPUs (${all.map((g) => g.index).join(', ') || 'none'})`);
    else if (!gpus.includes(gpu)) gpus.push(gpu);
  }
  if (gpus.length === 0) return { status: 'unavailable', reason: `none of the GPUs ${selection.join(', ')} was found by nvidia-smi`, warnings };
  if (gpus.every((g) => g.energyMj !== null)) return { status: 'available', gpus, mode: 'counter', warnings };
  if (gpus.every((g) => g.powerW !== null)) {
    const missing = gpus.filter((g) => g.energyMj === null).map((g) => g.index);
    warnings.push(`GPU ${missing.join(', ')} has no energy counter; integrating power.draw samples instead`);
    return { status: 'available', gpus, mode: 'power', warnings };
  }
  return { status: 'unavailable', reason: 'the selected GPUs report neither total_energy_consumption nor power.draw', warnings };
}

interface Reading {
  /** Middle of the nvidia-smi call (ms). */
  time: number;
  /** Per selected GPU, in the order of `options.gpus`. */
  values: number[];
}

/** Creates the provider. */
export function createNvidiaProvider(options: NvidiaProviderOptions): EnergyProvider {
  const { gpus, mode } = options;
  if (gpus.length === 0) throw new RangeError('NVIDIA provider without GPUs');
  const now = options.now ?? (() => performance.now());
  const sampleIntervalMs = options.sampleIntervalMs ?? 100;
  const names = gpus.map((g) => `gpu ${g.index} (${g.uuid})`);
  const method =
    mode === 'counter'
      ? `nvidia: total_energy_consumption counter of nvidia-smi (${names.join(', ')})`
      : `nvidia: power.draw of nvidia-smi sampled every ${sampleIntervalMs} ms, trapezoid integration (${names.join(', ')})`;

  const read = async (): Promise<Reading> => {
    const before = now();
    const rows = parseNvidiaGpuEnergy(await runNvidiaSmi(NVIDIA_ENERGY_ARGS, options.smi ?? {}));
    const time = (before + now()) / 2;
    const values = gpus.map((gpu) => {
      const row = rows.find((r) => r.uuid === gpu.uuid) ?? rows.find((r) => r.index === gpu.index);
      const value = mode === 'counter' ? row?.energyMj : row?.powerW;
      if (value === null || value === undefined) throw new Error(`nvidia-smi gave no ${mode === 'counter' ? 'energy' : 'power'} for GPU ${gpu.index}`);
      return value;
    });
    return { time, values };
  };

  return {
    id: 'nvidia',
    estimated: false,
    scope: `NVIDIA GPU board power (${names.join(', ')})`,
    minSeconds: options.minSeconds ?? (mode === 'counter' ? 1 : 5),
    subtractsBaseline: true,
    async begin(): Promise<EnergySession> {
      return mode === 'counter' ? beginCounter() : beginPower();
    },
  };

  async function beginCounter(): Promise<EnergySession> {
    const first = await read();
    return {
      async end(): Promise<ProviderEnergy> {
        const last = await read();
        const warnings: string[] = [];
        const domains: EnergyDomain[] = gpus.map((_, i) => {
          const delta = last.values[i]! - first.values[i]!;
          if (delta < 0) warnings.push(`the energy counter of ${names[i]} went backwards (driver reloaded?); counted as 0`);
          return { name: names[i]!, joules: Math.max(0, delta) / 1000, source: gpus[i]!.uuid, inTotal: true };
        });
        let totalMj = 0;
        gpus.forEach((_, i) => {
          totalMj += Math.max(0, last.values[i]! - first.values[i]!);
        });
        return { joules: totalMj / 1000, seconds: (last.time - first.time) / 1000, method, domains, warnings };
      },
    };
  }

  async function beginPower(): Promise<EnergySession> {
    const start = now();
    const samples: Reading[] = [await read()];
    const warnings: string[] = [];
    let stopped = false;
    let inFlight: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      timer = setTimeout(() => {
        inFlight = read().then(
          (s) => {
            if (!stopped) samples.push(s);
          },
          (error: unknown) => {
            warnings.push(`a power sample failed: ${(error as Error).message}`);
          },
        );
        void inFlight.then(() => {
          if (!stopped) schedule();
        });
      }, sampleIntervalMs);
      timer.unref();
    };
    schedule();
    return {
      async end(): Promise<ProviderEnergy> {
        const endTime = now();
        stopped = true;
        clearTimeout(timer);
        await inFlight;
        samples.push(await read());
        samples.sort((a, b) => a.time - b.time);
        const domains: EnergyDomain[] = gpus.map((_, i) => ({
          name: names[i]!,
          joules: integratePower(samples.map((s) => ({ time: s.time, watts: s.values[i]! })), start, endTime),
          source: gpus[i]!.uuid,
          inTotal: true,
        }));
        const joules = domains.reduce((sum, d) => sum + d.joules, 0);
        return { joules, seconds: (endTime - start) / 1000, method, domains, samples: samples.length, warnings };
      },
    };
  }
}

/**
 * Joules of power samples over [from, to] (ms): trapezoids between samples, the first sample's power
 * held from `from` and the last one's to `to`; samples outside [from, to] are clipped to it.
 */
export function integratePower(samples: ReadonlyArray<{ time: number; watts: number }>, from: number, to: number): number {
  if (samples.length === 0 || to <= from) return 0;
  const points = samples.map((s) => ({ time: Math.min(Math.max(s.time, from), to), watts: s.watts }));
  let joulesMs = points[0]!.watts * (points[0]!.time - from);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    joulesMs += ((a.watts + b.watts) / 2) * (b.time - a.time);
  }
  const last = points[points.length - 1]!;
  joulesMs += last.watts * (to - last.time);
  return joulesMs / 1000;
}
