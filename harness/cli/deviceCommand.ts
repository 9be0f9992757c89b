/** `slmbench device`: this device's fingerprint. */
import { collectDeviceFingerprint } from '../device/collectDeviceFingerprint.js';
import { probeAndStoreBandwidth, readStoredBandwidth } from '../device/storedBandwidth.js';
import { renderKeyValues } from '../../reports/console/renderKeyValues.js';
import { readPackageVersion } from '../../adapters/common/readPackageVersion.js';

/** Packages whose versions are part of the fingerprint. */
const BACKEND_PACKAGES = ['node-llama-cpp', 'onnxruntime-node', '@huggingface/transformers'];

/** Flags of `slmbench device`. */
export interface DeviceFlags {
  /** Print JSON. Default: false. */
  json?: boolean;
  /** Measure the memory bandwidth now (and store it for the decode roofline of later runs). Default: false. */
  probe?: boolean;
}

export async function deviceCommand(flags: DeviceFlags): Promise<number> {
  const backendVersions = Object.fromEntries(
    BACKEND_PACKAGES.map((name) => [name, readPackageVersion(name, import.meta.url)?.version ?? 'not installed']),
  );
  const device = await collectDeviceFingerprint({ backendVersions });
  const memoryBandwidth = flags.probe ? probeAndStoreBandwidth(device.id) : readStoredBandwidth(device.id);
  const fingerprint = { ...device, memoryBandwidth };
  process.stdout.write(
    flags.json ? `${JSON.stringify(fingerprint, null, 2)}\n` : `${renderKeyValues(fingerprint as unknown as Record<string, unknown>)}\n`,
  );
  return 0;
}
