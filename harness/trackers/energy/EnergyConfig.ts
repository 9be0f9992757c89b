/**
 * Energy options: plain data (config file material). Functions and devices to reach (sysfs root, clock,
 * PATH) come through {@link EnergyContext} instead.
 */
import type { EnergyProviderId } from './EnergyTypes.js';

/** The grid carbon intensity assumed when none is configured: IEA world average, 475 g CO2/kWh (2018). */
export const DEFAULT_GRID_INTENSITY = 475;

/** Options of the CPU-time estimate. */
export interface EstimateConfig {
  /** Active watts per busy core; overrides everything else. Default: from the CPU table by brand. */
  wattsPerCore?: number;
  /** CPU TDP (W): wattsPerCore = tdpWatts ÷ cores (or ÷ the device's physical cores). Default: unset. */
  tdpWatts?: number;
  /** Cores that `tdpWatts` is spread over. Default: the device's physical cores. */
  cores?: number;
  /** Memory power per GiB resident (W/GiB). Default: 0.3725 (Green Algorithms). */
  memoryWattsPerGiB?: number;
}

/** Options of the RAPL provider. */
export interface RaplConfig {
  /** The powercap sysfs folder. Default: `/sys/class/powercap`. */
  root?: string;
  /** Counters are read this often (ms) during a measurement so that a wrap-around is never missed. Default: 10000. */
  pollIntervalMs?: number;
}

/** Options of the NVIDIA provider. */
export interface NvidiaConfig {
  /** Path of nvidia-smi. Default: `nvidia-smi` on PATH. */
  executable?: string;
  /** Interval of `power.draw` samples when the energy counter is missing (ms). Default: 100. */
  sampleIntervalMs?: number;
  /** Time limit of one nvidia-smi call (ms). Default: 5000. */
  timeoutMs?: number;
}

/** Options of the powermetrics provider (macOS, root only). */
export interface PowermetricsConfig {
  /** Path of powermetrics. Default: `powermetrics` on PATH (`/usr/bin/powermetrics`). */
  executable?: string;
  /** Sample interval (ms), powermetrics `-i`. Default: 250. */
  intervalMs?: number;
}

/** Energy options of a sweep. */
export interface EnergyConfig {
  /** Providers to use: `auto` = every one that works here (the estimate always). Default: `'auto'`. */
  providers?: 'auto' | EnergyProviderId[];
  /** Idle power is measured over this many seconds before the entry and subtracted. Default: 1. */
  baselineSeconds?: number;
  /** Minimum measuring time (s) for counter providers (RAPL, NVIDIA energy counter). Default: 1. */
  counterMinSeconds?: number;
  /** Minimum measuring time (s) for sampling providers (NVIDIA power.draw, powermetrics). Default: 5. */
  samplingMinSeconds?: number;
  /** Grid carbon intensity (g CO2e per kWh) for gCO2e. Default: {@link DEFAULT_GRID_INTENSITY} (475, IEA world average). */
  gridIntensity?: number;
  /** The CPU-time estimate. Default: `{}`. */
  estimate?: EstimateConfig;
  /** RAPL. Default: `{}`. */
  rapl?: RaplConfig;
  /** NVIDIA GPUs. Default: `{}`. */
  nvidia?: NvidiaConfig;
  /** macOS powermetrics. Default: `{}`. */
  powermetrics?: PowermetricsConfig;
}

/** What the meter needs to know about where it runs; everything has a default for the worker itself. */
export interface EnergyContext {
  /** GPUs the worker uses, by nvidia-smi index or UUID. Default: `[]` (the NVIDIA provider is inactive). */
  gpus?: Array<number | string>;
  /**
   * Processes whose CPU time and resident memory the estimate counts, summed (those holding the model:
   * `RuntimeModelInfo.processIds`). Default: this process (`process.cpuUsage()`).
   */
  pids?: readonly number[];
  /** The CPU, for the estimate's power table. Default: `os.cpus()[0].model` and the count of `os.cpus()`. */
  cpu?: { brand: string; physicalCores?: number; family?: string | null; model?: string | null };
  /** Platform. Default: `process.platform`. */
  platform?: NodeJS.Platform;
  /** Effective user id (0 = root). Default: `process.geteuid()`, null where it does not exist. */
  uid?: number | null;
  /** Environment: PATH for nvidia-smi and powermetrics. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
  /** Waits `ms` (the idle baseline). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Reads a text file (RAPL sysfs). Default: `fs.promises.readFile(path, 'utf8')`. */
  readText?: (path: string) => Promise<string>;
  /** CPU seconds (user + system) of the measured process so far. Default: `process.cpuUsage()`, or `/proc/<pid>/stat` for another pid. */
  cpuSeconds?: () => number;
  /** Resident bytes of the measured process now. Default: `process.memoryUsage.rss()`, or `/proc/<pid>/status` for another pid. */
  rssBytes?: () => number;
}
