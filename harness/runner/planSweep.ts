/**
 * A sweep's plan, made once before anything runs: the matrix of the config (`expandMatrix`: models ×
 * backend option sets × workloads, stable ids), every model prepared once (resolved, format detected,
 * inspected: `prepareModels`), the cells paired by format (`pairModels`: a backend meets only models it
 * reads; the other pairs are listed as unpaired), every workload checked against its model's context
 * (`checkContextFits`), and, for `--shard K/N`, this shard's entries. The
 * entries are final: the runner and the workers read them as they are.
 */
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import type { SweepConfig } from '../config/configSchema.js';
import { ConfigError } from '../errors.js';
import { checkContextFits } from '../matrix/checkContextFits.js';
import { expandMatrix } from '../matrix/expandMatrix.js';
import { modelRefsOf } from '../matrix/modelRefsOf.js';
import { pairModels } from '../matrix/pairModels.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import { matrixHash, shardInfo, type ShardInfo } from '../matrix/selectShard.js';
import { prepareModels } from '../model/prepareModels.js';
import type { ResolveOptions } from '../model/resolveModelSpec.js';
import type { UnpairedPair } from '../result/RunResult.js';

/** What a sweep runs. */
export interface SweepPlan {
  /** The entries to run, in order (this shard's when sharded; each keeps its index in the whole plan). */
  entries: PlannedEntry[];
  /** Model × backend pairs of the matrix left out because the backend does not read the model's format. */
  unpaired: UnpairedPair[];
  /** Hash of the matrix's cell ids: a resumed sweep must come from the same matrix. */
  matrixHash: string;
  /** The shard, when sharded. */
  shard?: ShardInfo;
}

/** Options of {@link planSweep}. */
export interface PlanOptions extends ResolveOptions {
  /** Folder that relative model paths are resolved against (the config file's folder). Default: the working directory. */
  baseDir?: string;
  /** The backends. Default: the built-in registry. */
  registry?: readonly BackendDefinition[];
  /** Run shard `index` of `count` (1-based) of the plan. Default: the whole plan. */
  shard?: { index: number; count: number };
}

/**
 * Plans a sweep of `config`. Throws the config's, the models' and the formats' errors (exit 2), and a
 * ConfigError when no pair of the matrix can run.
 */
export async function planSweep(config: SweepConfig, options: PlanOptions = {}): Promise<SweepPlan> {
  const registry = options.registry ?? backendRegistry;
  const cells = expandMatrix(config, registry, options.baseDir ?? process.cwd());
  const models = await prepareModels(modelRefsOf(cells, registry), { ...options, registry });
  const { entries, unpaired } = pairModels(cells, models, registry);
  checkContextFits(entries);
  if (entries.length === 0) {
    throw new ConfigError(`nothing to run: ${unpaired.map((u) => `${u.model.name}: ${u.reason}`).join('; ')}`);
  }
  const hash = matrixHash(cells);
  if (!options.shard) return { entries, unpaired, matrixHash: hash };
  const shard = shardInfo(entries, options.shard.index, options.shard.count);
  return { entries: entries.filter((e) => shard.entryIds.includes(e.id)), unpaired, matrixHash: hash, shard };
}
