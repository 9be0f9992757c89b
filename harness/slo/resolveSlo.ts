import type { SloSettings } from '../config/configSchema.js';
import { SLO_PRESETS, type SloBounds } from './sloPresets.js';

/** A budget as the run judges it. */
export interface ResolvedSlo {
  preset: string;
  bounds: SloBounds;
  target: number;
}

/** Default share of requests that must meet every bound. */
export const DEFAULT_SLO_TARGET = 0.9;

/** The config's `slo` as bounds: a preset's, with the bounds given over them; `custom` without a preset. */
export function resolveSlo(settings: SloSettings): ResolvedSlo {
  if (typeof settings === 'string') return { preset: settings, bounds: { ...SLO_PRESETS[settings] }, target: DEFAULT_SLO_TARGET };
  const { preset, target, ...given } = settings;
  const bounds: SloBounds = { ...(preset ? SLO_PRESETS[preset] : {}) };
  for (const [key, value] of Object.entries(given) as [keyof SloBounds, number | undefined][]) if (value !== undefined) bounds[key] = value;
  const changed = preset !== undefined && Object.values(given).some((v) => v !== undefined);
  return { preset: preset ? (changed ? `${preset} (adjusted)` : preset) : 'custom', bounds, target: target ?? DEFAULT_SLO_TARGET };
}
