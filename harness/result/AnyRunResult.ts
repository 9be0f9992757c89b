/**
 * A `result.json` as the gate, compare and merge commands read it: a single run's result, a shard of a
 * sharded sweep (with `shard`), or a merged result (with `devices`, per-entry `device` and `merged`).
 */
import type { ShardInfo } from '../matrix/selectShard.js';
import type { EntryRecord } from './EntryRecord.js';
import type { RunResult } from './RunResult.js';

/** An entry that may say which device it ran on (merged results always do). */
export type DeviceEntryRecord = EntryRecord & {
  /** Fingerprint id of the device the entry ran on (a key of the result's `devices`); absent in single runs, where it is `device.id`. */
  device?: string;
};

/** One input of a merge, as recorded in the merged result's `merged.sources`. */
export interface MergeSource {
  /** The file as given to `slmbench merge`. */
  path: string;
  /** Device ids of its entries, in order of appearance. */
  devices: string[];
  /** Its shard metadata, without the id list; null when it is not a shard. */
  shard: Omit<ShardInfo, 'entryIds'> | null;
  harness: RunResult['harness'];
  startedAt: string;
  endedAt: string;
  /** Where its config came from. */
  configSource: string;
  summary: RunResult['summary'];
}

/** A result of any of the three kinds. */
export type AnyRunResult = Omit<RunResult, 'entries'> & {
  entries: DeviceEntryRecord[];
  /** Shard metadata of a sharded run (`slmbench run --shard K/N`). */
  shard?: ShardInfo;
  /** Device fingerprints by id: present in merged results. */
  devices?: Record<string, Record<string, unknown>>;
  /** What a merged result was made of. */
  merged?: { sources: MergeSource[]; notes: string[] };
};

/** A result and the file it was read from. */
export interface LoadedResult {
  result: AnyRunResult;
  /** The path as given (used in messages and tables). */
  source: string;
  /** The file read: `source`, or `source/result.json` for a run folder. Absent for a result not read from a file. */
  file?: string;
}
