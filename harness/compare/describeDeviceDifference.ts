/**
 * Names what differs between two device fingerprints, in the fields that make up the device id (CPU
 * brand, physical and logical cores, memory in whole GiB, OS platform and architecture, GPU models).
 */

/** One differing field: its name and both values as text. */
export interface DeviceFieldDifference {
  field: string;
  baseline: string;
  current: string;
}

const GiB = 1024 ** 3;

/**
 * The differing fields of two fingerprints (empty when they agree on all of them, which can happen for
 * fingerprints whose ids differ only by how they were made, e.g. edited by hand).
 */
export function describeDeviceDifference(a: Record<string, unknown>, b: Record<string, unknown>): DeviceFieldDifference[] {
  const fields: [string, (f: Record<string, unknown>) => string][] = [
    ['cpu brand', (f) => JSON.stringify(get(f, 'cpu', 'brand') ?? null)],
    ['physical cores', (f) => String(get(f, 'cpu', 'physicalCores') ?? '?')],
    ['logical cores', (f) => String(get(f, 'cpu', 'logicalCores') ?? '?')],
    ['memory', (f) => {
      const bytes = get(f, 'memory', 'totalBytes');
      return typeof bytes === 'number' ? `${Math.round(bytes / GiB)} GiB` : '?';
    }],
    ['os', (f) => `${String(get(f, 'os', 'platform') ?? '?')} ${String(get(f, 'os', 'arch') ?? '?')}`],
    ['gpus', (f) => {
      const gpus = Array.isArray(f.gpus) ? (f.gpus as { model?: unknown }[]) : [];
      return gpus.length ? gpus.map((g) => String(g.model ?? '?')).join(' + ') : 'none';
    }],
  ];
  const out: DeviceFieldDifference[] = [];
  for (const [field, read] of fields) {
    const baseline = read(a);
    const current = read(b);
    if (baseline !== current) out.push({ field, baseline, current });
  }
  return out;
}

function get(f: Record<string, unknown>, group: string, key: string): unknown {
  const o = f[group];
  return o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}
