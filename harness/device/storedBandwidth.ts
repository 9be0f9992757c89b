/**
 * The memory bandwidth of this device, measured once by `slmbench device --probe` (or by the first run
 * that needs it) and stored with the device fingerprint's id in the cache, so every later run reports
 * its decode roofline against the same figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../model/resolveModelSpec.js';
import { writeJsonAtomic } from '../result/writeJsonAtomic.js';
import { probeMemoryBandwidth, type MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';
import { makeDir } from '../util/makeDir.js';

/** Version of the probe's method; a stored probe of another version is measured again. */
export const BANDWIDTH_PROBE_VERSION = 2;

/** A stored probe. */
export interface StoredBandwidth extends MemoryBandwidth {
  /** {@link BANDWIDTH_PROBE_VERSION} of the probe that measured it. */
  probeVersion: number;
  /** The device fingerprint id it belongs to. */
  deviceId: string;
  /** When it was measured (ISO 8601). */
  probedAt: string;
}

function file(deviceId: string): string {
  return join(cacheDir(), 'device', `${deviceId}.bandwidth.json`);
}

/** The stored probe of this device, or null. */
export function readStoredBandwidth(deviceId: string): StoredBandwidth | null {
  const path = file(deviceId);
  if (!existsSync(path)) return null;
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredBandwidth;
    return stored.deviceId === deviceId && stored.probeVersion === BANDWIDTH_PROBE_VERSION && stored.readGBps > 0 ? stored : null;
  } catch {
    return null;
  }
}

/** Measures the bandwidth now and stores it. */
export function probeAndStoreBandwidth(deviceId: string): StoredBandwidth {
  const stored: StoredBandwidth = {
    ...probeMemoryBandwidth(),
    deviceId,
    probedAt: new Date().toISOString(),
    probeVersion: BANDWIDTH_PROBE_VERSION,
  };
  const path = file(deviceId);
  makeDir(join(cacheDir(), 'device'));
  writeJsonAtomic(path, stored);
  return stored;
}
