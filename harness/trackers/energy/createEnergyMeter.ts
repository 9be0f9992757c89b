/**
 * The energy meter a worker puts around its measured loop:
 *
 * ```ts
 * const meter = await createEnergyMeter(config.energy, { gpus: [] });
 * await meter.baseline();   // after load, before warmup: idle power of the measured providers
 * await meter.start();      // right before the measured loop
 * // … measured repetitions, lasting at least meter.minSeconds …
 * const reading = await meter.stop({ outputTokens, totalTokens, requests });
 * ```
 *
 * Each active provider gives one figure. Measured providers (RAPL, NVIDIA, powermetrics) see the whole
 * machine or the whole GPU, so an idle baseline (power measured over `baselineSeconds` with nothing
 * running) × the measured seconds is subtracted; the estimate models the worker alone and subtracts
 * nothing. The total sums the measured figures and adds the estimate only when neither RAPL nor
 * powermetrics measured the CPU side. A provider that fails is left out with a warning; the reading's
 * warnings always include the selection's (e.g. RAPL present but unreadable).
 */
import { DEFAULT_GRID_INTENSITY, type EnergyConfig, type EnergyContext } from './EnergyConfig.js';
import { energyAmounts } from './energyAmounts.js';
import type {
  EnergyBaseline,
  EnergyFigure,
  EnergyProvider,
  EnergyProviderId,
  EnergyReading,
  EnergySession,
  EnergyTotal,
  EnergyWork,
  ProviderEnergy,
} from './EnergyTypes.js';
import { selectProviders } from './selectProviders.js';

/** An energy meter for one entry. */
export interface EnergyMeter {
  /** The active providers. */
  readonly providers: readonly EnergyProvider[];
  /** Providers considered and not used, with why. */
  readonly unavailable: ReadonlyArray<{ provider: EnergyProviderId; reason: string }>;
  /** Warnings of the provider selection (also repeated in every reading). */
  readonly warnings: readonly string[];
  /** The measured loop should last at least this many seconds (the largest provider minimum). */
  readonly minSeconds: number;
  /** Measures idle power for `baselineSeconds` (default 1) on the providers that subtract it; returns it by provider. */
  baseline(): Promise<Partial<Record<EnergyProviderId, EnergyBaseline>>>;
  /** Starts every provider. */
  start(): Promise<void>;
  /** Stops every provider and reports the energy of the work done since {@link start}. */
  stop(work: EnergyWork): Promise<EnergyReading>;
}

/** Selects the providers for this device and entry and returns a meter over them. */
export async function createEnergyMeter(config: EnergyConfig = {}, context: EnergyContext = {}): Promise<EnergyMeter> {
  const selection = await selectProviders(config, context);
  return createEnergyMeterFrom(selection.providers, config, context, selection.unavailable, selection.warnings);
}

/** A meter over given providers (for tests and custom providers); no probing. */
export function createEnergyMeterFrom(
  providers: readonly EnergyProvider[],
  config: EnergyConfig = {},
  context: Pick<EnergyContext, 'now' | 'sleep'> = {},
  unavailable: ReadonlyArray<{ provider: EnergyProviderId; reason: string }> = [],
  selectionWarnings: readonly string[] = [],
): EnergyMeter {
  const now = context.now ?? (() => performance.now());
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const baselineSeconds = config.baselineSeconds ?? 1;
  const gridIntensity = config.gridIntensity ?? DEFAULT_GRID_INTENSITY;
  const gridIntensityDefault = config.gridIntensity === undefined;
  if (!(baselineSeconds > 0)) throw new RangeError(`baselineSeconds ${baselineSeconds} must be > 0`);
  if (!(gridIntensity >= 0)) throw new RangeError(`gridIntensity ${gridIntensity} must be ≥ 0`);
  const baselines = new Map<EnergyProviderId, EnergyBaseline>();
  const baselineWarnings: string[] = [];
  let sessions: Array<PromiseSettledResult<EnergySession>> | null = null;
  let startedAt = 0;

  return {
    providers,
    unavailable,
    warnings: selectionWarnings,
    minSeconds: Math.max(0, ...providers.map((p) => p.minSeconds)),

    async baseline() {
      const measured = providers.filter((p) => p.subtractsBaseline);
      baselines.clear();
      baselineWarnings.length = 0;
      if (measured.length === 0) return {};
      const begun = await Promise.allSettled(measured.map((p) => p.begin()));
      await sleep(baselineSeconds * 1000);
      const ended = await Promise.allSettled(
        begun.map((b) => (b.status === 'fulfilled' ? b.value.end() : Promise.reject(b.reason as Error))),
      );
      const result: Partial<Record<EnergyProviderId, EnergyBaseline>> = {};
      ended.forEach((outcome, i) => {
        const provider = measured[i]!;
        if (outcome.status === 'rejected') {
          baselineWarnings.push(`${provider.id}: the idle baseline failed (${message(outcome.reason)}); nothing is subtracted`);
          return;
        }
        const { joules, seconds } = outcome.value;
        if (!(seconds > 0)) {
          baselineWarnings.push(`${provider.id}: the idle baseline covered no time; nothing is subtracted`);
          return;
        }
        const baseline = { watts: joules / seconds, seconds, joules };
        baselines.set(provider.id, baseline);
        result[provider.id] = baseline;
      });
      return result;
    },

    async start() {
      if (sessions !== null) throw new Error('energy meter already started');
      sessions = await Promise.allSettled(providers.map((p) => p.begin()));
      startedAt = now();
    },

    async stop(work: EnergyWork): Promise<EnergyReading> {
      if (sessions === null) throw new Error('energy meter stopped before it was started');
      const seconds = (now() - startedAt) / 1000;
      const begun = sessions;
      sessions = null;
      const ended = await Promise.allSettled(
        begun.map((b) => (b.status === 'fulfilled' ? b.value.end() : Promise.reject(b.reason as Error))),
      );
      const warnings = [...selectionWarnings, ...baselineWarnings];
      const failed: Array<{ provider: EnergyProviderId; reason: string }> = [];
      const figures: EnergyFigure[] = [];
      ended.forEach((outcome, i) => {
        const provider = providers[i]!;
        if (outcome.status === 'rejected') {
          failed.push({ provider: provider.id, reason: `measurement failed: ${message(outcome.reason)}` });
          warnings.push(`${provider.id}: the measurement failed (${message(outcome.reason)}); no figure`);
          return;
        }
        const figure = toFigure(provider, outcome.value, provider.subtractsBaseline ? (baselines.get(provider.id) ?? null) : null);
        figures.push(figure);
        warnings.push(...figure.warnings.map((w) => `${provider.id}: ${w}`));
      });
      return {
        figures,
        total: totalOf(figures),
        work: { ...work },
        seconds,
        gridIntensity,
        gridIntensityDefault,
        unavailable: [...unavailable, ...failed],
        warnings,
      };

      function toFigure(provider: EnergyProvider, raw: ProviderEnergy, baseline: EnergyBaseline | null): EnergyFigure {
        const figureWarnings = [...raw.warnings];
        if (provider.subtractsBaseline && baseline === null) {
          figureWarnings.push('no idle baseline was taken: the figure includes the idle power of everything it measures');
        }
        if (raw.seconds < provider.minSeconds) {
          figureWarnings.push(
            `measured over ${raw.seconds.toFixed(3)} s, less than the ${provider.minSeconds} s this provider needs for a meaningful figure`,
          );
        }
        const baselineJoules = baseline === null ? 0 : baseline.watts * raw.seconds;
        if (raw.joules < baselineJoules) {
          figureWarnings.push(
            `measured ${raw.joules} J, less than the idle baseline's ${baselineJoules} J over the same time: counted as 0 (noise, or the baseline was not idle)`,
          );
        }
        const joules = Math.max(0, raw.joules - baselineJoules);
        return {
          provider: provider.id,
          method: raw.method,
          estimated: provider.estimated,
          scope: provider.scope,
          ...energyAmounts(joules, work, gridIntensity),
          grossJoules: raw.joules,
          baseline,
          baselineJoules,
          seconds: raw.seconds,
          ...(raw.domains ? { domains: raw.domains } : {}),
          ...(raw.inputs ? { inputs: raw.inputs } : {}),
          ...(raw.samples !== undefined ? { samples: raw.samples } : {}),
          warnings: figureWarnings,
        };
      }

      function totalOf(all: readonly EnergyFigure[]): EnergyTotal | null {
        const measured = all.filter((f) => !f.estimated);
        const cpuMeasured = measured.some((f) => f.provider === 'rapl' || f.provider === 'powermetrics');
        const estimate = all.find((f) => f.provider === 'estimate');
        const parts = cpuMeasured || !estimate ? measured : [...measured, estimate];
        if (parts.length === 0) return null;
        const joules = parts.reduce((sum, f) => sum + f.joules, 0);
        return {
          providers: parts.map((f) => f.provider),
          method: parts.map((f) => f.provider).join(' + '),
          estimated: parts.some((f) => f.estimated),
          ...energyAmounts(joules, work, gridIntensity),
        };
      }
    },
  };
}

function message(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
