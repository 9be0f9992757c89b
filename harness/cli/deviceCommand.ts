/** `slmbench device`: this device's fingerprint. */
import { collectDeviceFingerprint } from '../device/collectDeviceFingerprint.js';
import { renderKeyValues } from '../../reports/console/renderKeyValues.js';
import { readPackageVersion } from '../../adapters/common/readPackageVersion.js';

/** Packages whose versions are part of the fingerprint. */
const BACKEND_PACKAGES = ['node-llama-cpp', 'onnxruntime-node', '@huggingface/transformers'];

export async function deviceCommand(flags: { json?: boolean }): Promise<number> {
  const backendVersions = Object.fromEntries(
    BACKEND_PACKAGES.map((name) => [name, readPackageVersion(name, import.meta.url)?.version ?? 'not installed']),
  );
  const fingerprint = await collectDeviceFingerprint({ backendVersions });
  process.stdout.write(
    flags.json ? `${JSON.stringify(fingerprint, null, 2)}\n` : `${renderKeyValues(fingerprint as unknown as Record<string, unknown>)}\n`,
  );
  return 0;
}
