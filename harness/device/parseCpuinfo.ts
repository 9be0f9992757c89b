/**
 * Parser of Linux `/proc/cpuinfo`, the fallback where systeminformation reports zero or empty values
 * (a CPU speed of 0 on many VMs, no model name on ARM). Pure: text in, numbers out.
 */

/** What `/proc/cpuinfo` says about the CPU (the first processor's values for per-processor fields). */
export interface CpuinfoSummary {
  /** `model name` (x86, some ARM kernels); null when absent. */
  modelName: string | null;
  /** `vendor_id` (x86, e.g. `GenuineIntel`, `AuthenticAMD`); null when absent. */
  vendorId: string | null;
  /** `cpu family` (x86); null when absent. */
  family: string | null;
  /** `model` (x86 model number); null when absent. */
  model: string | null;
  /** `stepping` (x86); null when absent. */
  stepping: string | null;
  /** `CPU implementer` (ARM, e.g. `0x41`); null when absent. */
  implementer: string | null;
  /** `CPU part` (ARM, e.g. `0xd0c`); null when absent. */
  part: string | null;
  /** `CPU variant` (ARM); null when absent. */
  variant: string | null;
  /** `CPU revision` (ARM); null when absent. */
  revision: string | null;
  /** Highest `cpu MHz` over all processors (the current clock, not a rated one); null when absent. */
  mhz: number | null;
  /** `cache size` in bytes (x86: the per-core L2 or L3 as the kernel reports it); null when absent. */
  cacheSizeBytes: number | null;
  /** Feature flags: x86 `flags` or ARM `Features`, in file order. */
  flags: string[];
  /** Number of `processor` entries. */
  logicalCores: number;
  /**
   * Distinct (`physical id`, `core id`) pairs; null when the file has no `core id` lines (ARM), where
   * every processor is a core.
   */
  physicalCores: number | null;
}

/** Parses the text of `/proc/cpuinfo`. */
export function parseCpuinfo(text: string): CpuinfoSummary {
  const blocks: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      if (line.trim() === '') current = null;
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor' || current === null) {
      current = new Map();
      blocks.push(current);
    }
    current.set(key, value);
  }
  const processors = blocks.filter((b) => b.has('processor'));
  const first = processors[0] ?? blocks[0] ?? new Map<string, string>();
  /** First non-empty value of `key` over all blocks (ARM puts `model name`/`Hardware` in trailing blocks). */
  const field = (key: string): string | null => {
    const own = first.get(key);
    if (own !== undefined && own !== '') return own;
    for (const block of blocks) {
      const value = block.get(key);
      if (value !== undefined && value !== '') return value;
    }
    return null;
  };

  let mhz: number | null = null;
  for (const block of processors) {
    const value = Number.parseFloat(block.get('cpu mhz') ?? '');
    if (Number.isFinite(value) && value > 0 && (mhz === null || value > mhz)) mhz = value;
  }

  const cores = new Set<string>();
  let hasCoreIds = false;
  for (const block of processors) {
    const coreId = block.get('core id');
    if (coreId === undefined) continue;
    hasCoreIds = true;
    cores.add(`${block.get('physical id') ?? '0'}:${coreId}`);
  }

  const flagText = field('flags') ?? field('features') ?? '';
  return {
    modelName: field('model name'),
    vendorId: field('vendor_id'),
    family: field('cpu family'),
    model: field('model'),
    stepping: field('stepping'),
    implementer: field('cpu implementer'),
    part: field('cpu part'),
    variant: field('cpu variant'),
    revision: field('cpu revision'),
    mhz,
    cacheSizeBytes: parseSize(field('cache size')),
    flags: flagText.split(/\s+/).filter((f) => f !== ''),
    logicalCores: processors.length,
    physicalCores: hasCoreIds ? cores.size : null,
  };
}

/** `1024 KB` → 1048576; null when it does not parse. */
function parseSize(text: string | null): number | null {
  if (text === null) return null;
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(text);
  if (!match) return null;
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.round(Number(match[1]) * scale);
}
