/**
 * Types shared by the energy providers and the {@link createEnergyMeter} meter. Every figure says how it
 * was obtained (`method`) and whether it is a measurement or a model (`estimated`).
 */

/** The energy providers. */
export type EnergyProviderId = 'rapl' | 'nvidia' | 'powermetrics' | 'estimate';

/** The work done while energy was measured; energy is divided by each. */
export interface EnergyWork {
  /** Generated tokens over the measured loop (all repetitions). */
  outputTokens: number;
  /** Prompt + generated tokens over the measured loop. */
  totalTokens: number;
  /** Generation requests (repetitions) in the measured loop. */
  requests: number;
}

/** Energy and what it amounts to per unit of work and in carbon. */
export interface EnergyAmounts {
  /** Joules attributed to the work. */
  joules: number;
  /** joules ÷ output tokens; null when no tokens were generated. */
  joulesPerOutputToken: number | null;
  /** joules ÷ (prompt + output tokens); null when zero. */
  joulesPerTotalToken: number | null;
  /** joules ÷ requests; null when zero. */
  joulesPerRequest: number | null;
  /** joules ÷ 3.6e6. */
  kWh: number;
  /** kWh × grid intensity (grams CO2-equivalent). */
  gCO2e: number;
}

/** One energy domain of a provider (a RAPL zone, one GPU, CPU/GPU/ANE power on macOS). */
export interface EnergyDomain {
  /** Domain name: `package-0`, `dram`, `core`, `uncore`, `psys`, `gpu 0 (GPU-…)`, `cpu`, `gpu`, `ane`, … */
  name: string;
  /** Gross joules of this domain over the measurement (no baseline subtracted). */
  joules: number;
  /** Where it was read (sysfs zone folder, GPU uuid); absent when not applicable. */
  source?: string;
  /** Whether the provider's total includes it (RAPL `core`/`uncore` lie inside `package`, so they do not). */
  inTotal: boolean;
}

/** The inputs of the CPU-time model, recorded with every estimate. */
export interface EstimateInputs {
  /** User + system CPU seconds of the measured process over the measurement (all its threads). */
  cpuSeconds: number;
  /** Wall-clock seconds of the measurement. */
  wallSeconds: number;
  /** Active power per busy core (W). */
  wattsPerCore: number;
  /** Where `wattsPerCore` came from, e.g. `table: AMD EPYC 9654 (Zen 4), 360 W TDP ÷ 96 cores` or `config: wattsPerCore`. */
  wattsPerCoreSource: string;
  /** Memory power per GiB resident (W/GiB). */
  memoryWattsPerGiB: number;
  /** Mean of the resident set size at the start and the end (bytes). */
  meanRssBytes: number;
  /** cpuSeconds × wattsPerCore. */
  cpuJoules: number;
  /** memoryWattsPerGiB × meanRssBytes ÷ 2^30 × wallSeconds. */
  memoryJoules: number;
}

/** What one provider measured over one session (before baseline subtraction and division by work). */
export interface ProviderEnergy {
  /** Gross joules over the session. */
  joules: number;
  /** Seconds the figure covers, by the provider's clock readings. */
  seconds: number;
  /** How the figure was obtained, e.g. `rapl: energy_uj counters of /sys/class/powercap (package-0, dram)`. */
  method: string;
  /** Per-domain breakdown. */
  domains?: EnergyDomain[];
  /** Model inputs (estimate provider). */
  inputs?: EstimateInputs;
  /** Number of power samples integrated (sampling providers). */
  samples?: number;
  /** Anything that makes the figure less trustworthy. */
  warnings: string[];
}

/** A measurement in progress. */
export interface EnergySession {
  /** Ends the session and reports its energy. */
  end(): Promise<ProviderEnergy>;
}

/** A source of energy figures. */
export interface EnergyProvider {
  readonly id: EnergyProviderId;
  /** True for a model, false for a measurement. */
  readonly estimated: boolean;
  /** What the figure covers, e.g. `CPU packages and DRAM of the whole machine`. */
  readonly scope: string;
  /** The shortest measurement that gives a meaningful figure (s); the measured loop should last at least this. */
  readonly minSeconds: number;
  /** Whether an idle baseline is subtracted (measured providers see the whole machine's idle power too). */
  readonly subtractsBaseline: boolean;
  /** Starts measuring. */
  begin(): Promise<EnergySession>;
}

/** The idle power subtracted from a measured provider's figure. */
export interface EnergyBaseline {
  /** Idle power (W): baseline joules ÷ baseline seconds. */
  watts: number;
  /** Seconds the idle power was measured over. */
  seconds: number;
  /** Joules measured while idle. */
  joules: number;
}

/** One provider's figure for the measured work. */
export interface EnergyFigure extends EnergyAmounts {
  provider: EnergyProviderId;
  /** How it was obtained. */
  method: string;
  /** True for the model, false for measurements. */
  estimated: boolean;
  /** What it covers. */
  scope: string;
  /** Measured joules before the baseline was subtracted. */
  grossJoules: number;
  /** The idle baseline, when one was taken (`joules` = max(0, grossJoules − baseline.watts × seconds)). */
  baseline: EnergyBaseline | null;
  /** Joules subtracted for idle power (baseline.watts × seconds); 0 without a baseline. */
  baselineJoules: number;
  /** Seconds the measurement covers. */
  seconds: number;
  domains?: EnergyDomain[];
  inputs?: EstimateInputs;
  samples?: number;
  warnings: string[];
}

/** The energy total of an entry: measured providers summed, the estimate standing in for an unmeasured CPU. */
export interface EnergyTotal extends EnergyAmounts {
  /** The providers summed, e.g. `['rapl', 'nvidia']` or `['nvidia', 'estimate']`. */
  providers: EnergyProviderId[];
  /** `rapl + nvidia`, … */
  method: string;
  /** True when any part is estimated. */
  estimated: boolean;
}

/** What {@link EnergyMeter.stop} returns for an entry. */
export interface EnergyReading {
  /** One figure per active provider. */
  figures: EnergyFigure[];
  /** The best total, or null when no provider gave a figure. */
  total: EnergyTotal | null;
  /** The work the energy is divided by. */
  work: EnergyWork;
  /** Wall-clock seconds between start and stop. */
  seconds: number;
  /** Grid carbon intensity used for gCO2e (g CO2e per kWh). */
  gridIntensity: number;
  /** True when `gridIntensity` is the default (IEA world average), not configured. */
  gridIntensityDefault: boolean;
  /** Providers that were considered and not used, with why. */
  unavailable: Array<{ provider: EnergyProviderId; reason: string }>;
  /** Warnings of the selection (e.g. RAPL present but unreadable) and of every figure, prefixed by provider. */
  warnings: string[];
}
