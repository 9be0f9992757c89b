/** `slmbench device`: this device's fingerprint, with the versions of every registered backend's packages. */
import { Command } from 'commander';
import { backendRegistry } from '../../adapters/registry.js';
import { readPackageVersion } from '../../adapters/common/readPackageVersion.js';
import { collectDeviceFingerprint } from '../device/collectDeviceFingerprint.js';
import { probeAndStoreBandwidth, readStoredBandwidth } from '../device/storedBandwidth.js';
import { renderKeyValues } from '../../reports/console/renderKeyValues.js';

/** Flags of `slmbench device`. */
export interface DeviceFlags {
  /** Print JSON. Default: false. */
  json?: boolean;
  /** Measure the memory bandwidth now (and store it for the decode roofline of later runs). Default: false. */
  probe?: boolean;
}

export async function deviceCommand(flags: DeviceFlags): Promise<number> {
  // The packages are the backends' own statement (`BackendDefinition.packages`).
  const packages = [...new Set(backendRegistry.flatMap((d) => d.packages))];
  const backendVersions = Object.fromEntries(packages.map((name) => [name, readPackageVersion(name, import.meta.url)?.version ?? 'not installed']));
  const device = await collectDeviceFingerprint({ backendVersions });
  const memoryBandwidth = flags.probe ? probeAndStoreBandwidth(device.id) : readStoredBandwidth(device.id);
  const fingerprint = { ...device, memoryBandwidth };
  process.stdout.write(
    flags.json ? `${JSON.stringify(fingerprint, null, 2)}\n` : `${renderKeyValues(fingerprint as unknown as Record<string, unknown>)}\n`,
  );
  return 0;
}

/** The `device` command: its options, and the action that calls {@link deviceCommand}. */
export function deviceCli(): Command {
  return new Command('device')
    .description("print this device's fingerprint (CPU, memory, OS, runtime, GPUs, backend versions, memory bandwidth)")
    .option('--json', 'print JSON')
    .option('--probe', 'measure the memory bandwidth now and store it (used for the decode roofline of every run)')
    .action(async (flags: DeviceFlags) => {
      process.exitCode = await deviceCommand(flags);
    });
}
