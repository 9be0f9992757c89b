/**
 * Parser of `nvidia-smi --query-gpu=index,uuid,total_energy_consumption,power.draw
 * --format=csv,noheader,nounits`: per GPU its index, UUID, cumulative energy since the driver loaded
 * (millijoules; Volta and newer) and current power draw (W). Fields nvidia-smi cannot give read
 * `[N/A]` or `[Not Supported]` and become null.
 */

/** The nvidia-smi arguments whose output {@link parseNvidiaGpuEnergy} reads. */
export const NVIDIA_ENERGY_ARGS = ['--query-gpu=index,uuid,total_energy_consumption,power.draw', '--format=csv,noheader,nounits'];

/** One GPU's energy counter and power. */
export interface NvidiaGpuEnergy {
  /** nvidia-smi's index. */
  index: number;
  /** GPU UUID, e.g. `GPU-5f0c…`. */
  uuid: string;
  /** Energy since the driver was loaded (mJ); null when not supported. */
  energyMj: number | null;
  /** Power draw (W); null when not supported. */
  powerW: number | null;
}

/** One entry per line `index, uuid, energy, power`; lines that do not fit are skipped. */
export function parseNvidiaGpuEnergy(text: string): NvidiaGpuEnergy[] {
  const gpus: NvidiaGpuEnergy[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 4 || !/^\d+$/.test(fields[0]!)) continue;
    gpus.push({ index: Number(fields[0]), uuid: fields[1]!, energyMj: numberOrNull(fields[2]!), powerW: numberOrNull(fields[3]!) });
  }
  return gpus;
}

function numberOrNull(field: string): number | null {
  if (field === '' || field.startsWith('[')) return null;
  const value = Number(field);
  return Number.isFinite(value) ? value : null;
}
