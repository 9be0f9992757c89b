/** `result.json`: one sweep's full record. Documented in the README ("Result schema"). */
import type { EntryRecord } from './EntryRecord.js';
import type { Ranking } from '../ranking/Ranking.js';
import type { ShardInfo } from '../matrix/selectShard.js';

/** A model × backend pair of the matrix that does not run: the backend does not read the model's format. */
export interface UnpairedPair {
  model: { spec: string; name: string; format: string };
  backend: string;
  /** Why, in words: `backend onnxruntime does not read gguf models (it reads transformers-js, onnx)`. */
  reason: string;
}

/** Version of the result format; bumped on incompatible changes, with a migration (`readResultFile`). */
export const RESULT_SCHEMA_VERSION = 1;

/** The result's file name inside a sweep's output folder. */
export const RESULT_FILE = 'result.json';

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
  /**
   * Model × backend pairs of the matrix that were not run because the backend does not read the model's
   * format (the matrix pairs a model only with backends that read it); absent or empty when every pair ran.
   */
  unpaired?: UnpairedPair[];
  /** Pareto ranking of the ok entries (fronts, crowding, hypervolume, weighted score, medals); added at the end of a run. */
  ranking?: Ranking;
  /** The shard of a sharded run (`slmbench run --shard K/N`). */
  shard?: ShardInfo;
}
