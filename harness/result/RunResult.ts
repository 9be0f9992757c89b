/** `result.json`: one sweep's full record. Documented in the README ("Result schema"). */
import type { EntryRecord } from './EntryRecord.js';
import type { Ranking } from '../ranking/Ranking.js';
import type { ShardInfo } from '../matrix/selectShard.js';

/** Version of the result format; bumped on incompatible changes, with a migration. */
export const RESULT_SCHEMA_VERSION = 1;

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  harness: {
    name: 'slmbench';
    version: string;
    /** Commit of the slmbench checkout that ran, or null outside a git checkout. */
    gitSha: string | null;
  };
  startedAt: string;
  endedAt: string;
  /** The resolved config (defaults filled in) and where it came from. */
  config: {
    source: string;
    resolved: unknown;
  };
  /** The device fingerprint, with the versions of every backend package used. */
  device: Record<string, unknown>;
  summary: { entries: number; ok: number; errored: number; skipped: number };
  entries: EntryRecord[];
  /** Pareto ranking of the ok entries (fronts, crowding, hypervolume, weighted score, medals); added at the end of a run. */
  ranking?: Ranking;
  /** The shard of a sharded run (`slmbench run --shard K/N`). */
  shard?: ShardInfo;
}
