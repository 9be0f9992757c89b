/**
 * Joins the results of several runs — shards of one sweep, runs on several devices, or both — into one
 * result that keeps each entry's device.
 *
 * The merged result is a `result.json` (schema version 1) with, in addition:
 * - `devices`: every device fingerprint by id (the first fingerprint seen for an id is kept; fingerprints
 *   with one id differ only in what the id leaves out: hostname hash, kernel, Node version);
 * - `entries[].device`: the fingerprint id of the device each entry ran on;
 * - `merged`: `{sources, notes}` — every input (path, devices, shard, harness, times, summary) and what
 *   the merge noticed (e.g. differing harness versions).
 * `device` is the fingerprint when every entry ran on one device (its `backendVersions` joined over the
 * inputs), else `{id: 'multiple', ids: [...]}`: read `entries[].device` and `devices` instead.
 * A top-level `ranking` of an input is dropped (it ranked that input alone); `shard` is dropped (the
 * shards are listed in `merged.sources`).
 *
 * Rules:
 * - the same entry id on the same device twice is an error unless both records are identical (then it is
 *   kept once); the same id on different devices is kept twice (a device comparison);
 * - shards (inputs with `shard`) are grouped by matrix (`matrixHash`, `count`); a shard's entries must be
 *   the ones its metadata lists, shards with different indices must not share an entry, and every index
 *   1 … count must be present (unless `allowIncomplete`), so merged shards are exactly the full matrix;
 *   one index given twice is the same sharded sweep run on two devices (on one device its records are
 *   identical, and kept once, or conflicting, and refused);
 * - entries are ordered by matrix position (`index`), then input order: merged shards come out in the
 *   order of the unsharded matrix.
 */
import { deviceIdOf } from '../device/deviceIdOf.js';
import { EXIT_USAGE, SlmbenchError } from '../errors.js';
import type { ShardInfo } from '../matrix/selectShard.js';
import { RESULT_SCHEMA_VERSION } from '../result/RunResult.js';
import { canonicalJson } from '../util/stableHash.js';
import type { AnyRunResult, DeviceEntryRecord, LoadedResult, MergeSource } from '../result/AnyRunResult.js';
import { entryDevice } from '../result/entryDevice.js';
import { summarizeEntries } from '../result/summarizeEntries.js';

/** Options of {@link mergeResults}. */
export interface MergeOptions {
  /** Merge shards even when some shard of their matrix is missing. Default: false. */
  allowIncomplete?: boolean;
}

/** A merged result: every entry has its `device`. */
export type MergedRunResult = AnyRunResult & {
  entries: (DeviceEntryRecord & { device: string })[];
  devices: Record<string, Record<string, unknown>>;
  merged: { sources: MergeSource[]; notes: string[] };
};

/** Merges `inputs` (at least one); throws a SlmbenchError (`MERGE_CONFLICT`, exit 2) naming the files on a conflict. */
export function mergeResults(inputs: readonly LoadedResult[], options: MergeOptions = {}): MergedRunResult {
  if (inputs.length === 0) throw conflict('merge: no result to merge');
  const devices: Record<string, Record<string, unknown>> = {};
  const kept = new Map<string, { entry: DeviceEntryRecord & { device: string }; source: string; order: number }>();
  const sources: MergeSource[] = [];
  const notes: string[] = [];
  let order = 0;

  for (const { result, source } of inputs) {
    if (result.schemaVersion !== RESULT_SCHEMA_VERSION) throw conflict(`${source}: schemaVersion ${String(result.schemaVersion)} is not ${RESULT_SCHEMA_VERSION}`);
    // A fingerprint whose fields no longer give its id (changed by hand, or copied from another runner)
    // takes the id its fields give: devices are told apart by what they are, not by a stale label. Ids
    // that slmbench did not make (not 16 hex digits: names a user gave) are kept.
    const idOf = (id: string, fingerprint: Record<string, unknown>): string => {
      const computed = /^[0-9a-f]{16}$/.test(id) ? deviceIdOf(fingerprint) : null;
      if (computed === null || computed === id) return id;
      const note = `${source}: device ${id}'s fingerprint gives id ${computed}: its fields were changed; merged as ${computed}`;
      if (!notes.includes(note)) notes.push(note);
      return computed;
    };
    for (const [id, fingerprint] of Object.entries(result.devices ?? {})) {
      const fixed = idOf(id, fingerprint);
      devices[fixed] ??= { ...fingerprint, id: fixed };
    }
    const sourceDevices: string[] = [];
    for (const entry of result.entries) {
      const found = entryDevice(result, entry);
      const fixedId = idOf(found.id, found.fingerprint);
      const device = fixedId === found.id ? found : { id: fixedId, fingerprint: { ...found.fingerprint, id: fixedId } };
      devices[device.id] ??= device.fingerprint;
      if (!sourceDevices.includes(device.id)) sourceDevices.push(device.id);
      const key = `${entry.id}@${device.id}`;
      const record = { ...entry, device: device.id };
      const previous = kept.get(key);
      if (previous) {
        if (canonicalJson(previous.entry) !== canonicalJson(record)) {
          throw conflict(
            `entry ${entry.id} (${entry.label}) on device ${device.id} is in both ${previous.source} and ${source} with different records; merge runs of the same entry on the same device one at a time`,
          );
        }
        continue;
      }
      kept.set(key, { entry: record, source, order: order++ });
    }
    if (sourceDevices.length === 0 && typeof result.device.id === 'string') sourceDevices.push(result.device.id);
    const { entryIds: _ids, ...shard } = result.shard ?? ({} as Partial<ShardInfo>);
    sources.push({
      path: source,
      devices: sourceDevices,
      shard: result.shard ? (shard as Omit<ShardInfo, 'entryIds'>) : null,
      harness: result.harness,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      configSource: result.config?.source ?? '',
      summary: result.summary,
    });
  }

  checkShards(inputs, options.allowIncomplete ?? false, notes);

  const versions = new Set(inputs.map(({ result }) => `${result.harness?.version}@${result.harness?.gitSha ?? '?'}`));
  if (versions.size > 1) notes.push(`inputs come from different slmbench builds: ${[...versions].join(', ')}`);

  const entries = [...kept.values()].sort((a, b) => a.entry.index - b.entry.index || a.order - b.order).map((k) => k.entry);
  const usedDevices = [...new Set(entries.map((e) => e.device))];
  for (const id of Object.keys(devices)) if (!usedDevices.includes(id)) delete devices[id];
  const first = inputs[0]!.result;
  const configs = new Set(inputs.map(({ result }) => canonicalJson(result.config?.resolved ?? null)));
  const { ranking: _ranking, shard: _shard, ...firstRest } = first as AnyRunResult & { ranking?: unknown };

  return {
    ...firstRest,
    schemaVersion: RESULT_SCHEMA_VERSION,
    harness: first.harness,
    startedAt: minOf(inputs.map(({ result }) => result.startedAt)),
    endedAt: maxOf(inputs.map(({ result }) => result.endedAt)),
    config: configs.size === 1 ? first.config : { source: `merge of ${inputs.length} results with different configs`, resolved: null },
    device: mergedDevice(usedDevices, devices, inputs),
    devices,
    summary: summarizeEntries(entries),
    entries,
    merged: { sources, notes },
  };
}

/** Checks shard groups for completeness and disjointness (see the file comment). */
function checkShards(inputs: readonly LoadedResult[], allowIncomplete: boolean, notes: string[]): void {
  const groups = new Map<string, { count: number; matrixEntries: number; matrixHash: string; members: { shard: ShardInfo; source: string; ids: Set<string> }[] }>();
  for (const { result, source } of inputs) {
    const shard = result.shard;
    if (!shard) continue;
    const ids = new Set(result.entries.map((e) => e.id));
    const listed = new Set(shard.entryIds);
    const extra = [...ids].filter((id) => !listed.has(id));
    const lacking = [...listed].filter((id) => !ids.has(id));
    if (extra.length || lacking.length) {
      throw conflict(
        `${source}: shard ${shard.index}/${shard.count} ${extra.length ? `holds entries not of that shard (${extra.slice(0, 3).join(', ')})` : `lacks entries of that shard (${lacking.slice(0, 3).join(', ')})`}`,
      );
    }
    const key = `${shard.matrixHash}/${shard.count}`;
    const group = groups.get(key) ?? { count: shard.count, matrixEntries: shard.matrixEntries, matrixHash: shard.matrixHash, members: [] };
    groups.set(key, group);
    for (const other of group.members) {
      // The same shard again: from another device it is a device comparison; from the same device its
      // entries were either identical (kept once) or already refused as conflicting records.
      if (other.shard.index === shard.index) continue;
      const both = [...ids].filter((id) => other.ids.has(id));
      if (both.length) {
        throw conflict(`shards ${other.shard.index}/${shard.count} (${other.source}) and ${shard.index}/${shard.count} (${source}) both hold entry ${both[0]}: they are not shards of one matrix`);
      }
    }
    group.members.push({ shard, source, ids });
  }
  for (const group of groups.values()) {
    const present = new Set(group.members.map((m) => m.shard.index));
    const missing = Array.from({ length: group.count }, (_, i) => i + 1).filter((i) => !present.has(i));
    const union = new Set(group.members.flatMap((m) => [...m.ids]));
    if (missing.length) {
      const message = `incomplete sharded sweep: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${group.count}`).join(', ')} of matrix ${group.matrixHash} missing (${union.size} of ${group.matrixEntries} entries)`;
      if (!allowIncomplete) throw conflict(`${message}; pass --allow-incomplete to merge anyway`);
      notes.push(message);
    } else if (union.size !== group.matrixEntries) {
      throw conflict(`shards of matrix ${group.matrixHash} hold ${union.size} entries, not the ${group.matrixEntries} of the matrix`);
    }
  }
}

function mergedDevice(
  used: readonly string[],
  devices: Record<string, Record<string, unknown>>,
  inputs: readonly LoadedResult[],
): Record<string, unknown> {
  if (used.length !== 1) return { id: 'multiple', ids: [...used] };
  const id = used[0]!;
  const backendVersions: Record<string, string> = {};
  for (const { result } of inputs) {
    const versions = (result.device as { backendVersions?: Record<string, string> }).backendVersions ?? {};
    for (const [name, version] of Object.entries(versions)) backendVersions[name] ??= version;
  }
  return { ...devices[id], backendVersions };
}

function minOf(values: readonly string[]): string {
  return [...values].sort()[0]!;
}

function maxOf(values: readonly string[]): string {
  return [...values].sort().at(-1)!;
}

function conflict(message: string): SlmbenchError {
  return new SlmbenchError('MERGE_CONFLICT', message, EXIT_USAGE);
}
