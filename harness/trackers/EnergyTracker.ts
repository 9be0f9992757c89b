/**
 * The energy of a measured loop: the energy meter of this device's providers ({@link createEnergyMeter})
 * as a tracker. `baseline()` measures idle power once before the work (the providers that subtract it);
 * `stop(work)` divides the energy by the work done (output tokens, total tokens, requests).
 */
import type { EnergySettings } from '../config/configSchema.js';
import type { EnergyConfig, EnergyContext } from './energy/EnergyConfig.js';
import { createEnergyMeter, type EnergyMeter } from './energy/createEnergyMeter.js';
import type { EnergyReading, EnergyWork } from './energy/EnergyTypes.js';
import type { Tracker } from './Tracker.js';

export class EnergyTracker implements Tracker<EnergyReading, EnergyWork> {
  readonly kind = 'energy';

  private constructor(private readonly meter: EnergyMeter) {}

  /** A tracker over the providers that work here, for the processes and GPUs of `context`. */
  static async create(settings: EnergySettings, context: EnergyContext): Promise<EnergyTracker> {
    return new EnergyTracker(await createEnergyMeter(toEnergyConfig(settings), context));
  }

  /** The measured loop should last at least this many seconds (the largest provider minimum). */
  get minSeconds(): number {
    return this.meter.minSeconds;
  }

  async baseline(): Promise<void> {
    await this.meter.baseline();
  }

  start(): Promise<void> {
    return this.meter.start();
  }

  stop(work: EnergyWork): Promise<EnergyReading> {
    return this.meter.stop(work);
  }
}

/** The energy meter's options from the config's `energy` section. */
function toEnergyConfig(settings: EnergySettings): EnergyConfig {
  return {
    providers: settings.providers,
    baselineSeconds: settings.baselineSeconds,
    ...(settings.gridIntensity === undefined ? {} : { gridIntensity: settings.gridIntensity }),
    estimate: settings.estimate,
    rapl: settings.rapl,
    nvidia: settings.nvidia,
  };
}
