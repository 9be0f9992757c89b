/**
 * Decides which energy providers apply to an entry:
 * - `rapl` on Linux when the powercap counters are readable; when they exist but are not readable the
 *   selection carries a loud warning with the fix (never silent), and CPU energy is estimated;
 * - `nvidia` when the entry uses NVIDIA GPUs (`context.gpus`) and nvidia-smi reports them;
 * - `powermetrics` on macOS when running as root;
 * - `estimate` always (the CPU-side stand-in when neither RAPL nor powermetrics measures).
 * With `providers: 'auto'` providers that cannot apply here are listed as unavailable without a
 * warning (except RAPL unreadable, GPUs unmeasured and macOS without root); a provider named explicitly
 * and unavailable always warns.
 */
import { existsSync } from 'node:fs';
import { findExecutableOnPath } from '../findExecutableOnPath.js';
import { createEstimateProvider } from './createEstimateProvider.js';
import { createNvidiaProvider, probeNvidiaGpus } from './createNvidiaProvider.js';
import { createPowermetricsProvider } from './createPowermetricsProvider.js';
import { createRaplProvider } from './createRaplProvider.js';
import type { EnergyConfig, EnergyContext } from './EnergyConfig.js';
import type { EnergyProvider, EnergyProviderId } from './EnergyTypes.js';
import { probeRapl } from './probeRapl.js';

/** The providers that apply, and why the others do not. */
export interface ProviderSelection {
  /** Providers to run, in the order rapl, nvidia, powermetrics, estimate. */
  providers: EnergyProvider[];
  /** Providers considered and not used. */
  unavailable: Array<{ provider: EnergyProviderId; reason: string }>;
  /** Things the user should know (and can often fix). */
  warnings: string[];
}

const ALL: readonly EnergyProviderId[] = ['rapl', 'nvidia', 'powermetrics', 'estimate'];

/** Probes the device and creates the providers that apply. */
export async function selectProviders(config: EnergyConfig = {}, context: EnergyContext = {}): Promise<ProviderSelection> {
  const auto = config.providers === undefined || config.providers === 'auto';
  const wanted = new Set<EnergyProviderId>(auto ? ALL : (config.providers as EnergyProviderId[]));
  const platform = context.platform ?? process.platform;
  const uid = context.uid !== undefined ? context.uid : (process.geteuid?.() ?? null);
  const env = context.env ?? process.env;
  const counterMinSeconds = config.counterMinSeconds ?? 1;
  const samplingMinSeconds = config.samplingMinSeconds ?? 5;
  const selection: ProviderSelection = { providers: [], unavailable: [], warnings: [] };
  const skip = (provider: EnergyProviderId, reason: string, warn: boolean) => {
    selection.unavailable.push({ provider, reason });
    if (warn) selection.warnings.push(`${provider}: ${reason}`);
  };

  if (wanted.has('rapl')) {
    if (platform !== 'linux') {
      skip('rapl', `RAPL is read through Linux powercap; this is ${platform}`, !auto);
    } else {
      const probe = await probeRapl({ root: config.rapl?.root, readText: context.readText });
      if (probe.status === 'available') {
        selection.providers.push(
          createRaplProvider({
            zones: probe.zones,
            root: probe.root,
            pollIntervalMs: config.rapl?.pollIntervalMs,
            minSeconds: counterMinSeconds,
            readText: context.readText,
            now: context.now,
          }),
        );
      } else if (probe.status === 'unreadable') {
        selection.unavailable.push({ provider: 'rapl', reason: `energy_uj not readable: ${probe.unreadable.join(', ')}` });
        selection.warnings.push(probe.warning);
      } else if (probe.status === 'failed') {
        selection.unavailable.push({ provider: 'rapl', reason: probe.reason });
        selection.warnings.push(probe.warning);
      } else {
        skip('rapl', probe.reason, !auto);
      }
    }
  }

  if (wanted.has('nvidia')) {
    const gpus = context.gpus ?? [];
    const smi = { executable: config.nvidia?.executable, env, timeoutMs: config.nvidia?.timeoutMs };
    const probe = await probeNvidiaGpus(gpus, smi);
    selection.warnings.push(...probe.warnings.map((w) => `nvidia: ${w}`));
    if (probe.status === 'available') {
      selection.providers.push(
        createNvidiaProvider({
          gpus: probe.gpus,
          mode: probe.mode,
          smi,
          sampleIntervalMs: config.nvidia?.sampleIntervalMs,
          minSeconds: probe.mode === 'counter' ? counterMinSeconds : samplingMinSeconds,
          now: context.now,
        }),
      );
    } else {
      // GPUs in use but not measured is worth a warning even in auto mode.
      skip('nvidia', probe.reason, !auto || gpus.length > 0);
    }
  }

  if (wanted.has('powermetrics')) {
    if (platform !== 'darwin') {
      skip('powermetrics', `powermetrics exists on macOS only; this is ${platform}`, !auto);
    } else if (uid !== 0) {
      skip('powermetrics', 'powermetrics needs root: run slmbench with sudo to measure CPU energy on macOS; it is estimated instead', true);
    } else {
      const executable =
        config.powermetrics?.executable ??
        findExecutableOnPath('powermetrics', env.PATH) ??
        (existsSync('/usr/bin/powermetrics') ? '/usr/bin/powermetrics' : null);
      if (executable === null) {
        skip('powermetrics', 'powermetrics was not found on PATH or in /usr/bin', true);
      } else {
        selection.providers.push(
          createPowermetricsProvider({
            executable,
            intervalMs: config.powermetrics?.intervalMs,
            minSeconds: samplingMinSeconds,
            env,
            now: context.now,
          }),
        );
      }
    }
  }

  if (wanted.has('estimate')) {
    const estimate = config.estimate ?? {};
    selection.providers.push(
      createEstimateProvider({
        cpu: context.cpu,
        wattsPerCore: estimate.wattsPerCore,
        tdpWatts: estimate.tdpWatts,
        cores: estimate.cores,
        memoryWattsPerGiB: estimate.memoryWattsPerGiB,
        pids: context.pids,
        cpuSeconds: context.cpuSeconds,
        rssBytes: context.rssBytes,
        now: context.now,
      }),
    );
  }
  return selection;
}
