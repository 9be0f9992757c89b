/**
 * A device in words, for labels and report text: `AMD EPYC 7763 · 4 logical cores · linux x64` (CPU
 * brand, logical cores — the hardware threads the OS schedules, not a thread setting — GPU models, OS),
 * and what differs between several devices, field by field (`describeDeviceDifference`).
 */
import { describeDeviceDifference } from '../compare/describeDeviceDifference.js';

/** `AMD EPYC · 4 logical cores · NVIDIA L4 · linux x64`. */
export function describeDevice(fingerprint: Record<string, unknown>): string {
  const f = fingerprint as { cpu?: { brand?: string; logicalCores?: number }; os?: { platform?: string; arch?: string }; gpus?: { model?: string }[] };
  const parts = [f.cpu?.brand ?? 'unknown CPU'];
  if (f.cpu?.logicalCores) parts.push(`${f.cpu.logicalCores} logical cores`);
  for (const gpu of f.gpus ?? []) if (gpu.model) parts.push(gpu.model);
  if (f.os?.platform) parts.push([f.os.platform, f.os.arch].filter(Boolean).join(' '));
  return parts.join(' · ');
}

/**
 * One sentence per device after the first, saying how it differs from the first:
 * `Device 2 (Apple M2 · 8 logical cores · darwin arm64) differs from device 1 in cpu brand "AMD EPYC" vs
 * "Apple M2", logical cores 4 vs 8.` A device whose fingerprint fields all agree with the first's is
 * said to differ only in its id.
 */
export function describeDeviceDifferences(fingerprints: readonly Record<string, unknown>[]): string[] {
  const first = fingerprints[0];
  if (!first) return [];
  return fingerprints.slice(1).map((f, i) => {
    const fields = describeDeviceDifference(first, f);
    const what = fields.length ? `in ${fields.map((d) => `${d.field} ${d.baseline} vs ${d.current}`).join(', ')}` : 'only in its fingerprint id';
    return `Device ${i + 2} (${describeDevice(f)}) differs from device 1 (${describeDevice(first)}) ${what}.`;
  });
}
