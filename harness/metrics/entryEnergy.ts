/**
 * The energy of an entry's measured loops over every worker process: joules and work summed, then divided
 * (per output token, per total token, per request), with the first reading's method and providers; null
 * when a process has no total (no provider worked).
 */
import type { EntryEnergy } from '../result/EntryRecord.js';
import type { EnergyReading } from '../trackers/energy/EnergyTypes.js';

export function entryEnergy(readings: readonly EnergyReading[]): EntryEnergy | null {
  const totals = readings.map((r) => r.total);
  if (readings.length === 0 || totals.some((t) => t === null)) return null;
  const sum = (f: (r: EnergyReading) => number) => readings.reduce((n, r) => n + f(r), 0);
  const joules = sum((r) => r.total!.joules);
  const per = (work: number) => (work > 0 ? joules / work : null);
  const first = readings[0]!;
  return {
    joules,
    joulesPerOutputToken: per(sum((r) => r.work.outputTokens)),
    joulesPerTotalToken: per(sum((r) => r.work.totalTokens)),
    joulesPerRequest: per(sum((r) => r.work.requests)),
    kWh: sum((r) => r.total!.kWh),
    gCO2e: sum((r) => r.total!.gCO2e),
    method: first.total!.method,
    estimated: readings.some((r) => r.total!.estimated),
    providers: first.total!.providers,
    gridIntensity: first.gridIntensity,
    gridIntensityDefault: first.gridIntensityDefault,
    figures: readings.flatMap((r) => r.figures),
    unavailable: first.unavailable,
    warnings: [...new Set(readings.flatMap((r) => r.warnings))],
  };
}
