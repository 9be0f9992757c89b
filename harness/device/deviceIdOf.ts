/**
 * The id of a device fingerprint: 16 hex digits of the sha256 of the fields that make a device what it is
 * for benchmarks (CPU brand, physical and logical cores, memory in whole GiB, OS platform and architecture,
 * the sorted GPU models). One function, so that a fingerprint whose fields were changed (another runner,
 * a hand edit) gets its id back from the same rule that made it (`merge` recomputes it).
 */
import { createHash } from 'node:crypto';

/** The fields the id is made of, as a fingerprint holds them. */
export interface DeviceIdFields {
  cpu: { brand: string; physicalCores: number | null; logicalCores: number };
  memory: { totalBytes: number };
  os: { platform: string; arch: string };
  gpus: { model: string }[];
}

/** The id of `f`; null when `f` lacks a field the id is made of (an older or partial fingerprint). */
export function deviceIdOf(f: unknown): string | null {
  const fp = f as Partial<DeviceIdFields> | null;
  if (!fp || typeof fp.cpu?.brand !== 'string' || typeof fp.cpu.logicalCores !== 'number' || typeof fp.memory?.totalBytes !== 'number') return null;
  if (typeof fp.os?.platform !== 'string' || typeof fp.os.arch !== 'string' || !Array.isArray(fp.gpus)) return null;
  const text = JSON.stringify([
    fp.cpu.brand,
    fp.cpu.physicalCores ?? null,
    fp.cpu.logicalCores,
    Math.round(fp.memory.totalBytes / 2 ** 30),
    fp.os.platform,
    fp.os.arch,
    fp.gpus.map((g) => g.model).sort(),
  ]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
