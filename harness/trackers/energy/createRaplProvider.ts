/**
 * RAPL energy from Linux powercap counters (`energy_uj`, microjoules). Counters are read at the start and
 * the end of a measurement and every `pollIntervalMs` in between, and the differences are summed, so a
 * counter that wraps around (past `max_energy_range_uj`, after minutes at high power on large servers)
 * is counted right as long as it wraps at most once between two reads. RAPL counts the whole machine's
 * CPU packages and DRAM, every process included: the meter subtracts an idle baseline.
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { EnergyDomain, EnergyProvider, EnergySession, ProviderEnergy } from './EnergyTypes.js';
import type { RaplZone } from './probeRapl.js';

/** Options of {@link createRaplProvider}. */
export interface RaplProviderOptions {
  /** The zones to read ({@link probeRapl}'s `zones` when its status is `available`). Required. */
  zones: RaplZone[];
  /** The powercap root, for the method text. Default: `/sys/class/powercap`. */
  root?: string;
  /** Reads between start and end (ms). Default: 10000. */
  pollIntervalMs?: number;
  /** Minimum measuring time (s). Default: 1. */
  minSeconds?: number;
  /** Reads a text file. Default: `fs.promises.readFile(path, 'utf8')`. */
  readText?: (path: string) => Promise<string>;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
}

/**
 * Microjoules between two readings of a counter that wraps past `maxRangeUj`: `end − start`, or
 * `end + maxRangeUj − start` when the counter went backwards (it wrapped once). Like powerstat and
 * scaphandre this takes the range itself as the modulus; the kernel's counter actually wraps at
 * range + one energy unit (≈ 15–61 µJ), an error far below the counter's resolution of interest.
 * Null when the counter went backwards and the range is unknown.
 */
export function raplCounterDelta(startUj: number, endUj: number, maxRangeUj: number | null): number | null {
  if (endUj >= startUj) return endUj - startUj;
  if (maxRangeUj === null) return null;
  return endUj + maxRangeUj - startUj;
}

/** Creates the provider over the given zones. */
export function createRaplProvider(options: RaplProviderOptions): EnergyProvider {
  const zones = options.zones;
  if (zones.length === 0) throw new RangeError('RAPL provider without zones');
  const root = options.root ?? '/sys/class/powercap';
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  const now = options.now ?? (() => performance.now());
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const totalled = zones.filter((z) => z.inTotal);
  const method = `rapl: energy_uj counters under ${root} (${totalled.map((z) => z.name).join(', ')}; whole machine)`;

  const readAll = async (): Promise<number[]> =>
    Promise.all(
      zones.map(async (zone) => {
        const text = (await readText(join(zone.path, 'energy_uj'))).trim();
        if (!/^\d+$/.test(text)) throw new Error(`${join(zone.path, 'energy_uj')}: "${text}" is not a counter value`);
        return Number(text);
      }),
    );

  return {
    id: 'rapl',
    estimated: false,
    scope: `CPU packages${zones.some((z) => z.domain === 'dram' && z.inTotal) ? ' and DRAM' : ''} of the whole machine (RAPL)`,
    minSeconds: options.minSeconds ?? 1,
    subtractsBaseline: true,
    async begin(): Promise<EnergySession> {
      let last = await readAll();
      const start = now();
      const totals = zones.map(() => 0);
      const warnings: string[] = [];
      let wraps = 0;
      const accumulate = (values: number[]) => {
        values.forEach((value, i) => {
          const zone = zones[i]!;
          const previous = last[i]!;
          const delta = raplCounterDelta(previous, value, zone.maxEnergyRangeUj);
          if (delta === null) {
            warnings.push(`${zone.id} (${zone.name}) went backwards without a known max_energy_range_uj; that interval is left out`);
          } else {
            if (value < previous) wraps++;
            totals[i]! += delta;
          }
        });
        last = values;
      };
      // Reads are serialized; a failed poll is skipped (the next read covers its interval).
      let chain: Promise<void> = Promise.resolve();
      const poll = () => {
        chain = chain.then(() => readAll().then(accumulate, () => undefined));
      };
      const timer = setInterval(poll, pollIntervalMs);
      timer.unref();
      return {
        async end(): Promise<ProviderEnergy> {
          clearInterval(timer);
          await chain;
          accumulate(await readAll());
          const seconds = (now() - start) / 1000;
          const domains: EnergyDomain[] = zones.map((zone, i) => ({
            name: zone.name,
            joules: totals[i]! / 1e6,
            source: zone.path,
            inTotal: zone.inTotal,
          }));
          let totalUj = 0;
          zones.forEach((zone, i) => {
            if (zone.inTotal) totalUj += totals[i]!;
          });
          if (wraps > 0) warnings.push(`${wraps} counter wrap-around(s) handled with max_energy_range_uj`);
          return { joules: totalUj / 1e6, seconds, method, domains, warnings };
        },
      };
    },
  };
}
