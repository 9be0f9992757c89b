/**
 * `sweep.json`, written into the output folder before the first entry runs: the resolved config and the
 * plan (entries, unpaired pairs, shard), so that `--resume` continues exactly this sweep without planning
 * again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepConfig } from '../config/configSchema.js';
import { OutputError } from '../errors.js';
import { RESULT_SCHEMA_VERSION } from '../result/RunResult.js';
import { writeJsonAtomic } from '../result/writeJsonAtomic.js';
import { readDataFile } from '../util/readDataFile.js';
import type { SweepPlan } from './planSweep.js';

/** The manifest's file name inside the output folder. */
export const MANIFEST_FILE = 'sweep.json';

export interface SweepManifest {
  schemaVersion: number;
  startedAt: string;
  configSource: string;
  config: SweepConfig;
  plan: SweepPlan;
}

/** Writes the manifest of a new sweep into `outDir`. */
export function writeSweepManifest(outDir: string, manifest: SweepManifest): void {
  writeJsonAtomic(join(outDir, MANIFEST_FILE), manifest);
}

/** Reads the manifest of the sweep in `outDir`; OutputError when there is none or it is unreadable. */
export function readSweepManifest(outDir: string): SweepManifest {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) throw new OutputError(`${outDir}: no sweep to resume (${MANIFEST_FILE} is missing)`);
  const manifest = readDataFile(path, { what: 'sweep manifest', json: true, error: (problem, shown) => new OutputError(`${shown}: ${problem}`) }) as SweepManifest;
  if (manifest?.schemaVersion !== RESULT_SCHEMA_VERSION || !manifest.plan || !Array.isArray(manifest.plan.entries)) {
    throw new OutputError(`${path}: a sweep of another slmbench version (its plan cannot be read); start a new sweep in another --out`);
  }
  return manifest;
}
