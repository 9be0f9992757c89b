/**
 * CPU (and on Apple silicon GPU and neural engine) energy on macOS from `powermetrics`, which needs root.
 * A measurement runs `powermetrics --samplers cpu_power -i <intervalMs>` from start to end; the energy is
 * the samples' time-weighted mean power × the measurement's seconds (powermetrics' samples cover the
 * measurement up to one interval at its end). Like RAPL it sees the whole machine: the meter subtracts
 * an idle baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { EnergyDomain, EnergyProvider, EnergySession, ProviderEnergy } from './EnergyTypes.js';
import { parsePowermetrics, powermetricsArgs, samplePowerW, type PowermetricsSample } from './parsePowermetrics.js';

/** Options of {@link createPowermetricsProvider}. */
export interface PowermetricsProviderOptions {
  /** Path of powermetrics. Required (the meter finds it on PATH). */
  executable: string;
  /** Sample interval (ms). Default: 250. */
  intervalMs?: number;
  /** Minimum measuring time (s). Default: 5. */
  minSeconds?: number;
  /** Environment of the process. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds clock. Default: `performance.now`. */
  now?: () => number;
}

/** Time-weighted mean power (W) of samples; a sample without its interval weighs `fallbackMs`. Null without samples. */
export function meanPowerW(samples: readonly PowermetricsSample[], fallbackMs: number): number | null {
  let weighted = 0;
  let weight = 0;
  for (const sample of samples) {
    const watts = samplePowerW(sample);
    if (watts === null) continue;
    const ms = sample.elapsedMs ?? fallbackMs;
    weighted += watts * ms;
    weight += ms;
  }
  return weight > 0 ? weighted / weight : null;
}

/** Creates the provider. */
export function createPowermetricsProvider(options: PowermetricsProviderOptions): EnergyProvider {
  const intervalMs = options.intervalMs ?? 250;
  const now = options.now ?? (() => performance.now());
  const method = `powermetrics: cpu_power sampler every ${intervalMs} ms, mean power × seconds (whole machine)`;
  return {
    id: 'powermetrics',
    estimated: false,
    scope: 'CPU (Apple silicon: CPU + GPU + ANE) of the whole machine (powermetrics)',
    minSeconds: options.minSeconds ?? 5,
    subtractsBaseline: true,
    async begin(): Promise<EnergySession> {
      const child: ChildProcess = spawn(options.executable, powermetricsArgs(intervalMs), {
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      const closed = new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.once('error', (error) => {
          stderr += error.message;
          resolve();
        });
      });
      const start = now();
      return {
        async end(): Promise<ProviderEnergy> {
          const seconds = (now() - start) / 1000;
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
          await closed;
          const samples = parsePowermetrics(stdout);
          const warnings: string[] = [];
          const mean = meanPowerW(samples, intervalMs);
          if (mean === null) {
            throw new Error(`powermetrics gave no power samples in ${seconds} s${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`);
          }
          const domains: EnergyDomain[] = [];
          const part = (name: string, pick: (s: PowermetricsSample) => number | null, inTotal: boolean) => {
            const values = samples.filter((s) => pick(s) !== null);
            if (values.length === 0) return;
            const watts = meanPowerW(values.map((s) => ({ ...s, combinedW: null, packageW: null, cpuW: pick(s) })), intervalMs);
            if (watts !== null) domains.push({ name, joules: watts * seconds, inTotal });
          };
          part('combined', (s) => s.combinedW, true);
          part('package', (s) => s.packageW, samples.every((s) => s.combinedW === null));
          part('cpu', (s) => s.cpuW, samples.every((s) => s.combinedW === null && s.packageW === null));
          part('gpu', (s) => s.gpuW, false);
          part('ane', (s) => s.aneW, false);
          return { joules: mean * seconds, seconds, method, domains, samples: samples.length, warnings };
        },
      };
    },
  };
}
