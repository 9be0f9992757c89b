/** Joules divided by the work done, and in kWh and grams of CO2-equivalent. */
import type { EnergyAmounts, EnergyWork } from './EnergyTypes.js';

/** Joules in one kWh. */
export const JOULES_PER_KWH = 3.6e6;

/** `joules` per output token, per total token, per request (null where the divisor is 0), kWh and gCO2e. */
export function energyAmounts(joules: number, work: EnergyWork, gridIntensity: number): EnergyAmounts {
  const per = (count: number): number | null => (count > 0 ? joules / count : null);
  const kWh = joules / JOULES_PER_KWH;
  return {
    joules,
    joulesPerOutputToken: per(work.outputTokens),
    joulesPerTotalToken: per(work.totalTokens),
    joulesPerRequest: per(work.requests),
    kWh,
    gCO2e: kWh * gridIntensity,
  };
}
