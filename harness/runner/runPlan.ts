/**
 * The run as a library: takes a parsed config, plans the sweep once ({@link planSweep}), checks every
 * input before anything is written, runs the entries ({@link runSweep}) into an output folder
 * (`sweep.json`, `entries.jsonl`, then `result.json` written atomically and a self-contained
 * `report.html`), ranks them and returns the result. `slmbench run` and `slmbench gate --config` call it;
 * so can any TypeScript program (`import { runPlan } from 'slmbench'`).
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import type { SweepConfig } from '../config/configSchema.js';
import { collectDeviceFingerprint } from '../device/collectDeviceFingerprint.js';
import { probeAndStoreBandwidth, readStoredBandwidth, type StoredBandwidth } from '../device/storedBandwidth.js';
import { ConfigError, OutputError } from '../errors.js';
import { expandMatrix } from '../matrix/expandMatrix.js';
import { matrixHash } from '../matrix/selectShard.js';
import { attachRanking, type RankedRunResult } from '../ranking/attachRanking.js';
import { ENTRIES_FILE, EntryLog } from '../result/EntryLog.js';
import type { EntryRecord } from '../result/EntryRecord.js';
import { RESULT_FILE, RESULT_SCHEMA_VERSION, type RunResult } from '../result/RunResult.js';
import { summarizeEntries } from '../result/summarizeEntries.js';
import { writeJsonAtomic } from '../result/writeJsonAtomic.js';
import { harnessInfo } from '../util/harnessInfo.js';
import { absoluteQualityPaths, hasQualityTasks, resolveQualityTasks } from '../../suites/resolveQualityTasks.js';
import { writeHtmlReport } from '../../reports/html/writeHtmlReport.js';
import type { LauncherFactory } from './launchers/launcherRegistry.js';
import { planSweep, type SweepPlan } from './planSweep.js';
import { runSweep, type SweepEvents } from './runSweep.js';
import { MANIFEST_FILE, readSweepManifest, writeSweepManifest } from './SweepManifest.js';

export { ENTRIES_FILE, RESULT_FILE };

/** What a run tells its caller while it goes (the CLI prints it; every hook is optional). */
export interface RunEvents extends SweepEvents {
  /** A model is forged first (once; reused after). */
  onForge?(spec: string, folder: string): void;
  /** A line worth telling the user (the bandwidth probe runs, a probe failed). */
  onNote?(message: string): void;
  /** The plan is made and the output folder ready: what will run, and the records already in the journal (a resumed sweep). */
  onPlan?(plan: SweepPlan, outDir: string, done: readonly EntryRecord[]): void;
}

/** Options of {@link runPlan}. */
export interface RunPlanOptions {
  /** Output folder. Default: the config's `out`, else `slmbench-results/<start time>` under the working directory. */
  out?: string;
  /**
   * Continue the sweep in `out` (which must exist) without repeating finished entries; the config must
   * make the same matrix as the one that started it. Default: false (`out` must hold no sweep yet).
   */
  resume?: boolean;
  /** Folder relative model and task paths in the config are resolved against (the config file's folder). Default: the working directory. */
  baseDir?: string;
  /** Where the config came from, recorded as `config.source`. Default: `library`. */
  configSource?: string;
  /** Run shard `index` of `count` (1-based) of the plan. Default: the whole plan. */
  shard?: { index: number; count: number };
  /** The backends. Default: the built-in registry. */
  registry?: readonly BackendDefinition[];
  /** Launchers by id. Default: the built-in ones. */
  launchers?: ReadonlyMap<string, LauncherFactory>;
  /** Stops the sweep: the running entry is killed and not recorded; runPlan rejects with SweepInterruptedError. Default: none. */
  signal?: AbortSignal;
  /** Progress. Default: silent. */
  events?: RunEvents;
  /** Write `report.html` beside `result.json`. Default: true. */
  report?: boolean;
}

/** What a run made. */
export interface RunOutcome {
  /** The result, ranked, as written to `result.json`. */
  result: RankedRunResult;
  /** The output folder (absolute). */
  outDir: string;
  /** `result.json`. */
  resultPath: string;
  /** `report.html`, or null when not written. */
  reportPath: string | null;
}

/** Plans and runs a sweep of `config`; see the module comment and {@link RunPlanOptions}. */
export async function runPlan(given: SweepConfig, options: RunPlanOptions = {}): Promise<RunOutcome> {
  const registry = options.registry ?? backendRegistry;
  const baseDir = options.baseDir ?? process.cwd();
  // Task files and texts are found by the workers wherever they run: their paths are made absolute.
  const config: SweepConfig = { ...given, quality: absoluteQualityPaths(given.quality, baseDir) };
  // Everything that can be wrong with the input is checked before anything runs or is written.
  const quality = hasQualityTasks(config.quality) ? config.quality : null;
  if (quality) resolveQualityTasks(quality);
  if (options.resume) {
    if (!options.out) throw new ConfigError('--resume needs --out DIR naming the sweep to continue');
    const outDir = resolve(options.out);
    const manifest = readSweepManifest(outDir);
    if (matrixHash(expandMatrix(config, registry, baseDir)) !== manifest.plan.matrixHash) {
      throw new ConfigError(`--resume: the config given differs from the sweep in ${outDir}; use another --out`);
    }
    return continueSweep(manifest.config, manifest.plan, outDir, manifest.startedAt, manifest.configSource, options);
  }
  const plan = await planSweep(config, {
    baseDir,
    registry,
    ...(options.shard ? { shard: options.shard } : {}),
    onForge: (spec, folder) => options.events?.onForge?.(spec, folder),
  });
  const outDir = resolve(options.out ?? config.out ?? defaultOutDir());
  prepareOutDir(outDir);
  const startedAt = new Date().toISOString();
  const configSource = options.configSource ?? 'library';
  writeSweepManifest(outDir, { schemaVersion: RESULT_SCHEMA_VERSION, startedAt, configSource, config, plan });
  return continueSweep(config, plan, outDir, startedAt, configSource, options);
}

/** Resumes the sweep in `outDir` with the config and plan it started with (`sweep.json`). */
export async function resumeSweep(outDir: string, options: Omit<RunPlanOptions, 'out' | 'resume' | 'shard' | 'baseDir' | 'configSource'> = {}): Promise<RunOutcome> {
  const absolute = resolve(outDir);
  const manifest = readSweepManifest(absolute);
  return continueSweep(manifest.config, manifest.plan, absolute, manifest.startedAt, manifest.configSource, options);
}

async function continueSweep(
  config: SweepConfig,
  plan: SweepPlan,
  outDir: string,
  startedAt: string,
  configSource: string,
  options: RunPlanOptions,
): Promise<RunOutcome> {
  const events = options.events ?? {};
  const quality = hasQualityTasks(config.quality) ? config.quality : null;
  const log = new EntryLog(join(outDir, ENTRIES_FILE));
  events.onPlan?.(plan, outDir, log.read());
  const device = await collectDeviceFingerprint();
  const bandwidth = deviceBandwidth(device.id, events);
  const records = await runSweep({
    entries: plan.entries,
    measure: config.measure,
    energy: config.energy,
    quality,
    samplesDir: quality?.logSamples ? ensureDir(join(outDir, 'samples')) : null,
    cpu: { brand: device.cpu.brand, physicalCores: device.cpu.physicalCores ?? undefined, family: device.cpu.family, model: device.cpu.model },
    bandwidth,
    log,
    outDir,
    registry: options.registry,
    launchers: options.launchers,
    signal: options.signal,
    events,
  });
  const backendVersions: Record<string, string> = {};
  for (const record of records) Object.assign(backendVersions, record.backend.versions);
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    harness: harnessInfo(),
    startedAt,
    endedAt: new Date().toISOString(),
    config: { source: configSource, resolved: config },
    device: { ...device, backendVersions, memoryBandwidth: bandwidth },
    summary: summarizeEntries(records),
    entries: records,
    ...(plan.unpaired.length ? { unpaired: plan.unpaired } : {}),
    ...(plan.shard ? { shard: plan.shard } : {}),
  };
  const resultPath = join(outDir, RESULT_FILE);
  const ranked = attachRanking(result);
  writeJsonAtomic(resultPath, ranked);
  const reportPath = options.report === false ? null : writeHtmlReport([{ result: ranked, source: resultPath }], join(outDir, 'report.html'));
  return { result: ranked, outDir, resultPath, reportPath };
}

/**
 * This device's memory bandwidth for the decode roofline: the stored probe (`slmbench device --probe`),
 * else a probe now (a few seconds, once per device; stored for later runs).
 */
function deviceBandwidth(deviceId: string, events: RunEvents): StoredBandwidth | null {
  const stored = readStoredBandwidth(deviceId);
  if (stored) return stored;
  events.onNote?.("measuring this device's memory bandwidth for the decode roofline (once; stored)");
  try {
    return probeAndStoreBandwidth(deviceId);
  } catch (error) {
    events.onNote?.(`bandwidth probe failed (${(error as Error).message}); no roofline`);
    return null;
  }
}

function prepareOutDir(outDir: string): void {
  if (existsSync(join(outDir, MANIFEST_FILE)) || existsSync(join(outDir, ENTRIES_FILE))) {
    throw new OutputError(`${outDir} already holds a sweep; continue it with --resume or choose another --out`);
  }
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new OutputError(`${outDir}: exists and is not a folder`);
  try {
    mkdirSync(outDir, { recursive: true });
    const probe = join(outDir, `.slmbench-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new OutputError(`${outDir}: output folder is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return join('slmbench-results', stamp);
}
