/**
 * The energy estimate, a model rather than a measurement (always `estimated: true`), used when nothing
 * better can measure the CPU side:
 *
 *   joules = cpuSeconds × wattsPerCore + memoryWattsPerGiB × (meanRssBytes ÷ 2^30) × wallSeconds
 *
 * - cpuSeconds: user + system CPU time of the measured processes over the measurement, every thread
 *   included (`process.cpuUsage()` deltas for the worker itself, `/proc/<pid>/stat` utime + stime for
 *   another process, such as a server the backend started), summed.
 * - wattsPerCore: from {@link resolveCpuPower}: the config, else TDP ÷ cores of a reference part of the
 *   CPU's family (the approach of Green Algorithms, Lannelongue et al., Advanced Science 2021).
 * - memoryWattsPerGiB: 0.3725 W per GiB by default, Green Algorithms' memory power (CodeCarbon uses
 *   3 W per 8 GB = 0.375); meanRssBytes is the mean of the processes' resident memory at start and end.
 *
 * It counts only the measured process's own activity (no idle baseline to subtract) and ignores GPUs.
 */
import { cpus } from 'node:os';
import { readProcMemory } from '../readProcMemory.js';
import { resolveCpuPower, type CpuIdentity, type CpuPowerOverrides } from './cpuPowerTable.js';
import type { EnergyProvider, EnergySession, ProviderEnergy } from './EnergyTypes.js';
import { readProcCpuSeconds } from './readProcCpuSeconds.js';

/** Default memory power per GiB resident (W/GiB): Green Algorithms (Lannelongue et al. 2021). */
export const DEFAULT_MEMORY_WATTS_PER_GIB = 0.3725;

/** Options of {@link createEstimateProvider}. */
export interface EstimateProviderOptions extends CpuPowerOverrides {
  /** The CPU. Default: `os.cpus()[0].model`, physical cores taken as `os.cpus().length`. */
  cpu?: CpuIdentity & { physicalCores?: number };
  /** Memory power per GiB resident (W/GiB). Default: {@link DEFAULT_MEMORY_WATTS_PER_GIB}. */
  memoryWattsPerGiB?: number;
  /** Processes measured, summed. Default: this process. */
  pids?: readonly number[];
  /** CPU seconds of the process so far. Default: `process.cpuUsage()` (this process) or `/proc/<pid>/stat`. */
  cpuSeconds?: () => number;
  /** Resident bytes of the process now. Default: `process.memoryUsage.rss()` (this process) or `/proc/<pid>/status`. */
  rssBytes?: () => number;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
}

/** Creates the estimate provider. */
export function createEstimateProvider(options: EstimateProviderOptions = {}): EnergyProvider {
  const pids = options.pids?.length ? [...options.pids] : [process.pid];
  const self = pids.length === 1 && pids[0] === process.pid;
  const cpu = options.cpu ?? { brand: cpus()[0]?.model ?? 'unknown', physicalCores: cpus().length };
  const power = resolveCpuPower(cpu, options);
  const memoryWattsPerGiB = options.memoryWattsPerGiB ?? DEFAULT_MEMORY_WATTS_PER_GIB;
  if (!(memoryWattsPerGiB >= 0)) throw new RangeError(`memoryWattsPerGiB ${memoryWattsPerGiB} must be ≥ 0`);
  const now = options.now ?? (() => performance.now());
  const cpuSecondsOf = (pid: number): number => {
    if (pid === process.pid) {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    }
    const seconds = readProcCpuSeconds(pid);
    if (seconds === null) throw new Error(`cannot read the CPU time of process ${pid} (/proc/${pid}/stat)`);
    return seconds;
  };
  const rssBytesOf = (pid: number): number => {
    if (pid === process.pid) return process.memoryUsage.rss();
    const memory = readProcMemory(pid);
    if (memory === null) throw new Error(`cannot read the resident memory of process ${pid} (/proc/${pid}/status)`);
    return memory.rssBytes;
  };
  const cpuSeconds = options.cpuSeconds ?? (() => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0));
  const rssBytes = options.rssBytes ?? (() => pids.reduce((sum, pid) => sum + rssBytesOf(pid), 0));
  const method =
    `estimate: CPU seconds × ${Number(power.wattsPerCore.toFixed(3))} W per core (${power.source}) + ` +
    `${memoryWattsPerGiB} W per GiB resident × seconds`;
  return {
    id: 'estimate',
    estimated: true,
    scope: self ? `CPU time and resident memory of process ${process.pid} (the worker)` : `CPU time and resident memory of process${pids.length > 1 ? 'es' : ''} ${pids.join(', ')}`,
    minSeconds: 0,
    subtractsBaseline: false,
    async begin(): Promise<EnergySession> {
      const startCpu = cpuSeconds();
      const startRss = rssBytes();
      const start = now();
      return {
        async end(): Promise<ProviderEnergy> {
          const wallSeconds = (now() - start) / 1000;
          const usedCpu = cpuSeconds() - startCpu;
          const meanRssBytes = (startRss + rssBytes()) / 2;
          const cpuJoules = usedCpu * power.wattsPerCore;
          const memoryJoules = memoryWattsPerGiB * (meanRssBytes / 2 ** 30) * wallSeconds;
          return {
            joules: cpuJoules + memoryJoules,
            seconds: wallSeconds,
            method,
            inputs: {
              cpuSeconds: usedCpu,
              wallSeconds,
              wattsPerCore: power.wattsPerCore,
              wattsPerCoreSource: power.source,
              memoryWattsPerGiB,
              meanRssBytes,
              cpuJoules,
              memoryJoules,
            },
            warnings: [],
          };
        },
      };
    },
  };
}
