/** The device an entry ran on, in a single, sharded or merged result. */
import type { AnyRunResult, DeviceEntryRecord } from './AnyRunResult.js';

/** Id used when a result carries no device id at all. */
export const UNKNOWN_DEVICE = 'unknown';

/** An entry's device: its fingerprint id and the fingerprint (`{}` when the result lacks it). */
export interface EntryDevice {
  id: string;
  fingerprint: Record<string, unknown>;
}

/**
 * `entry.device` (merged results) or else the result's `device.id`; the fingerprint from the result's
 * `devices` map, or its `device` when the ids agree.
 */
export function entryDevice(result: Pick<AnyRunResult, 'device' | 'devices'>, entry: Pick<DeviceEntryRecord, 'device'>): EntryDevice {
  const runId = typeof result.device?.id === 'string' ? result.device.id : UNKNOWN_DEVICE;
  const id = entry.device ?? runId;
  const fingerprint = result.devices?.[id] ?? (id === runId ? result.device : {});
  return { id, fingerprint };
}
