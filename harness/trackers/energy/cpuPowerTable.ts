/**
 * Active power per busy CPU core for the energy estimate, by CPU family. Each row is the thermal design
 * power of a reference part divided by its cores (vendor specification pages), except Apple's M-series,
 * for which Apple publishes no TDP (an approximation, marked so). TDP ÷ cores is a coarse figure: a
 * single busy core boosting above base clock draws more, cores sharing a package's uncore draw less, and
 * an SMT sibling's CPU seconds are counted at a full core's power. The estimate says so by being
 * `estimated: true` with these inputs recorded; a measured provider always takes precedence.
 */

/** One family of CPUs. */
export interface CpuPowerRow {
  /** Short id, e.g. `amd-epyc-zen4`. */
  id: string;
  /** Human description of the family. */
  family: string;
  /** Matches the CPU brand string (and, where given, x86 family/model numbers). */
  matches: (cpu: CpuIdentity) => boolean;
  /** Reference part the figure comes from. */
  reference: string;
  /** TDP of the reference part (W). */
  tdpWatts: number;
  /** Cores of the reference part. */
  cores: number;
  /** True when the TDP is not a published figure. */
  approximate?: boolean;
}

/** What identifies a CPU. */
export interface CpuIdentity {
  /** Brand string, e.g. `AMD EPYC 9654 96-Core Processor`. */
  brand: string;
  /** x86 family number as a decimal string (`25`, `26`); null or absent when unknown. */
  family?: string | null;
  /** x86 model number as a decimal string; null or absent when unknown. */
  model?: string | null;
}

/** Power per core and where it came from. */
export interface CpuPower {
  wattsPerCore: number;
  /** e.g. `table amd-epyc-zen4: AMD EPYC 9654, 360 W TDP ÷ 96 cores`, `config: wattsPerCore`. */
  source: string;
  /** The table row id, `config`, or `fallback`. */
  rowId: string;
}

const AMD_EPYC = /\bEPYC\b/i;
const XEON = /\bXeon\b/i;
const inRange = (value: string | null | undefined, ...ranges: Array<[number, number]>): boolean => {
  const n = Number(value);
  return value !== null && value !== undefined && Number.isInteger(n) && ranges.some(([lo, hi]) => n >= lo && n <= hi);
};

/** The table, first match wins; the last row matches everything. */
export const CPU_POWER_TABLE: readonly CpuPowerRow[] = [
  {
    id: 'apple-m',
    family: 'Apple M-series',
    matches: (c) => /\bApple M\d/i.test(c.brand),
    reference: 'Apple M1/M2, about 20 W CPU power at an all-core load over 8 cores (no published TDP)',
    tdpWatts: 20,
    cores: 8,
    approximate: true,
  },
  {
    id: 'amd-epyc-zen5',
    family: 'AMD EPYC 9005 (Zen 5, x86 family 26)',
    matches: (c) => AMD_EPYC.test(c.brand) && (/\bEPYC\s+9\d\d5\b/i.test(c.brand) || c.family === '26'),
    reference: 'AMD EPYC 9655',
    tdpWatts: 400,
    cores: 96,
  },
  {
    id: 'amd-epyc-zen4',
    family: 'AMD EPYC 9004/8004/4004 (Zen 4, x86 family 25 models 0x10–0x1f, 0xa0–0xaf)',
    matches: (c) =>
      AMD_EPYC.test(c.brand) &&
      (/\bEPYC\s+[489]\d\d4\b/i.test(c.brand) || (c.family === '25' && inRange(c.model, [0x10, 0x1f], [0xa0, 0xaf]))),
    reference: 'AMD EPYC 9654',
    tdpWatts: 360,
    cores: 96,
  },
  {
    id: 'amd-epyc',
    family: 'AMD EPYC, other generations',
    matches: (c) => AMD_EPYC.test(c.brand),
    reference: 'AMD EPYC 7763 (Zen 3)',
    tdpWatts: 280,
    cores: 64,
  },
  {
    id: 'intel-xeon-sapphire-rapids',
    family: 'Intel Xeon Scalable 4th generation (Sapphire Rapids, x4xx parts)',
    matches: (c) => XEON.test(c.brand) && /\b(Platinum|Gold|Silver|Bronze)\s+[3-9]4\d\d[A-Z+]*/i.test(c.brand),
    reference: 'Intel Xeon Platinum 8480+',
    tdpWatts: 350,
    cores: 56,
  },
  {
    id: 'intel-xeon',
    family: 'Intel Xeon, other generations',
    matches: (c) => XEON.test(c.brand),
    reference: 'Intel Xeon Platinum 8380 (Ice Lake)',
    tdpWatts: 270,
    cores: 40,
  },
  {
    id: 'ampere-altra',
    family: 'Ampere Altra',
    matches: (c) => /\b(Ampere|Altra)\b/i.test(c.brand),
    reference: 'Ampere Altra Q80-30',
    tdpWatts: 210,
    cores: 80,
  },
  {
    id: 'laptop',
    family: 'Laptop CPUs (Intel U/P/H/HX, AMD U/H/HS/HX suffixes, Core Ultra)',
    matches: (c) => /\b\d{4,5}(U|P|H|HS|HX|G\d)\b/.test(c.brand) || /\bCore\(?T?M?\)?\s+Ultra\b/i.test(c.brand),
    reference: 'AMD Ryzen 7 7840U (default TDP)',
    tdpWatts: 28,
    cores: 8,
  },
  {
    id: 'desktop',
    family: 'Desktop CPUs (Intel Core, AMD Ryzen, …)',
    matches: (c) => /\b(Core|Ryzen|Pentium|Celeron|Athlon)\b/i.test(c.brand),
    reference: 'AMD Ryzen 7 7700',
    tdpWatts: 65,
    cores: 8,
  },
];

/** Per-core power of unknown CPUs: the desktop row's figure. */
const FALLBACK = { reference: 'AMD Ryzen 7 7700 (desktop figure for an unrecognised CPU)', tdpWatts: 65, cores: 8 };

/** Overrides from the config. */
export interface CpuPowerOverrides {
  /** Watts per busy core; wins over everything. */
  wattsPerCore?: number;
  /** TDP (W) spread over `cores` (or `physicalCores`). */
  tdpWatts?: number;
  /** Cores for `tdpWatts`. */
  cores?: number;
}

/** Watts per busy core for `cpu`: config override, else TDP ÷ cores from the config, else the table. */
export function resolveCpuPower(cpu: CpuIdentity & { physicalCores?: number }, overrides: CpuPowerOverrides = {}): CpuPower {
  if (overrides.wattsPerCore !== undefined) {
    if (!(overrides.wattsPerCore > 0)) throw new RangeError(`wattsPerCore ${overrides.wattsPerCore} must be > 0`);
    return { wattsPerCore: overrides.wattsPerCore, source: 'config: wattsPerCore', rowId: 'config' };
  }
  if (overrides.tdpWatts !== undefined) {
    const cores = overrides.cores ?? cpu.physicalCores;
    if (!(overrides.tdpWatts > 0) || cores === undefined || !(cores > 0)) {
      throw new RangeError(`tdpWatts ${overrides.tdpWatts} needs a positive core count (cores ${cores})`);
    }
    return {
      wattsPerCore: overrides.tdpWatts / cores,
      source: `config: ${overrides.tdpWatts} W TDP ÷ ${cores} cores${overrides.cores === undefined ? ' (physical cores)' : ''}`,
      rowId: 'config',
    };
  }
  const row = CPU_POWER_TABLE.find((r) => r.matches(cpu));
  if (row) {
    return {
      wattsPerCore: row.tdpWatts / row.cores,
      source: `table ${row.id}: ${row.reference}, ${row.tdpWatts} W${row.approximate ? ' (approximate)' : ' TDP'} ÷ ${row.cores} cores`,
      rowId: row.id,
    };
  }
  return {
    wattsPerCore: FALLBACK.tdpWatts / FALLBACK.cores,
    source: `fallback: ${FALLBACK.reference}, ${FALLBACK.tdpWatts} W TDP ÷ ${FALLBACK.cores} cores`,
    rowId: 'fallback',
  };
}
