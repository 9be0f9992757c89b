/**
 * Sharding of a sweep matrix for sweeps that outgrow one machine (`slmbench run --shard K/N`).
 *
 * The entries are ordered by their id (a stable hash of model, backend with options and workload, so the
 * order is the same on every machine and does not depend on the order of the config's lists), and the
 * i-th entry of that order (from 0) goes to shard (i mod N) + 1. So:
 * - deterministic: the same matrix and N give the same shards everywhere;
 * - balanced: shard sizes differ by at most 1 (shards are empty when N exceeds the matrix size);
 * - a partition: shards 1 … N are disjoint and together hold every entry exactly once.
 * Hash order interleaves models and backends, so heavy and light entries spread over the shards. With
 * `groupBy`, the entries are dealt group by group (groups in key order, ids sorted within each), one
 * deal continuing across groups: every group is then balanced too (its shares differ by at most 1), and
 * so are the totals — e.g. group by whether a backend can read the model, so that the entries that will
 * be skipped (and cost nothing) do not pile up in one shard. The key must not depend on the machine.
 * A shard keeps the matrix order (and each entry's `index`, its position in the full matrix).
 */
import { UsageError } from '../errors.js';
import { stableHash } from '../util/stableHash.js';

/** Shard metadata stored in a sharded run's `result.json` as `shard`, to check that merged shards are complete and disjoint. */
export interface ShardInfo {
  /** This shard, 1-based. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Entries in the full (unsharded) matrix. */
  matrixEntries: number;
  /** Hash of the sorted ids of the full matrix: shards of one matrix share it. */
  matrixHash: string;
  /** Ids of this shard's entries, in matrix order. */
  entryIds: string[];
}

/** Options of {@link selectShard}. */
export interface ShardOptions<T> {
  /** Deals the entries group by group (see the file comment); the key must be the same on every machine. Default: one group. */
  groupBy?: (entry: T) => string;
}

/** The entries of shard `k` of `n` (1 ≤ k ≤ n), in matrix order. Throws a UsageError on a bad k or n. */
export function selectShard<T extends { id: string }>(entries: readonly T[], k: number, n: number, options: ShardOptions<T> = {}): T[] {
  checkShard(k, n);
  const groupOf = new Map<string, string>();
  for (const e of entries) if (!groupOf.has(e.id)) groupOf.set(e.id, options.groupBy?.(e) ?? '');
  const ids = [...groupOf.keys()].sort((a, b) => compare(groupOf.get(a)!, groupOf.get(b)!) || compare(a, b));
  const chosen = new Set(ids.filter((_, i) => i % n === k - 1));
  return entries.filter((e) => chosen.has(e.id));
}

/** Parses `K/N` (e.g. `2/3`) as written after `--shard`. Throws a UsageError naming the value. */
export function parseShardSpec(spec: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!match) throw new UsageError(`--shard: expected K/N (e.g. 2/3), got "${spec}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  checkShard(index, count, `--shard ${spec}`);
  return { index, count };
}

/** The {@link ShardInfo} of shard `k` of `n` of `matrix` (the full matrix), with the options given to {@link selectShard}. */
export function shardInfo<T extends { id: string }>(matrix: readonly T[], k: number, n: number, options: ShardOptions<T> = {}): ShardInfo {
  return {
    index: k,
    count: n,
    matrixEntries: new Set(matrix.map((e) => e.id)).size,
    matrixHash: matrixHash(matrix),
    entryIds: selectShard(matrix, k, n, options).map((e) => e.id),
  };
}

/** Hash of the sorted distinct ids of a matrix (16 hex digits). */
export function matrixHash(matrix: readonly { id: string }[]): string {
  return stableHash([...new Set(matrix.map((e) => e.id))].sort(), 16);
}

/** Code-unit order, the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkShard(k: number, n: number, what = `shard ${k}/${n}`): void {
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what}: the shard count must be a positive integer`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new UsageError(`${what}: the shard index must be an integer from 1 to ${n}`);
}
