/**
 * Parser of `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`.
 */
import type { GpuFingerprint } from './DeviceFingerprint.js';

/** The nvidia-smi arguments whose output {@link parseNvidiaSmiCsv} reads. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'];

/**
 * One GPU per non-empty line `name, memory MiB, driver`. Memory that is not a number (`[N/A]`) gives
 * null; lines with fewer than three fields are skipped.
 */
export function parseNvidiaSmiCsv(text: string): GpuFingerprint[] {
  const gpus: GpuFingerprint[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 3) continue;
    // A GPU name may itself contain commas; memory and driver are always the last two fields.
    const driver = fields[fields.length - 1]!;
    const memoryMiB = Number(fields[fields.length - 2]);
    const name = fields.slice(0, -2).join(', ');
    if (name === '') continue;
    gpus.push({
      vendor: 'NVIDIA',
      model: name,
      memoryBytes: Number.isFinite(memoryMiB) && memoryMiB > 0 ? memoryMiB * 1024 * 1024 : null,
      driver: driver === '' || driver.startsWith('[') ? null : driver,
      source: 'nvidia-smi',
    });
  }
  return gpus;
}
