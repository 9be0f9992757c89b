/**
 * The run as a library: takes a parsed config, plans the sweep once ({@link planSweep}), checks every
 * input before anything is written, runs the entries ({@link runSweep}) into an output folder
 * (`sweep.json`, `entries.jsonl`, then `result.json` written atomically and a self-contained
 * `report.html`), ranks them and returns the result. `slmbench run` and `slmbench gate --config` call it;
 * so can any TypeScript program (`import { runPlan } from 'slmbench'`).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
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
import { isFinished, runSweep, type SweepEvents } from './runSweep.js';
import { MANIFEST_FILE, readSweepManifest, writeSweepManifest, type SweepManifest } from './SweepManifest.js';
import { checkBackendPackages } from './checkBackendPackages.js';
import type { LaunchTurns } from './InterleavedTurns.js';
import { reconcileResume, type ReconciledResume } from './reconcileResume.js';
import { OutputLock } from '../result/OutputLock.js';
import { checkTaskData } from '../../suites/checkTaskData.js';
import { describeFsError, makeDir } from '../util/makeDir.js';
import { makeFidelityReferences } from '../fidelity/makeFidelityReferences.js';
import { planFidelity, type FidelityPlan } from '../fidelity/planFidelity.js';
import { resolveSlo } from '../slo/resolveSlo.js';

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
  /**
   * Output folder. Default: the config's `out`, else `slmbench-results/<start time>` under the working
   * directory (`slmbench-results/` is made with a `.gitignore` of `*`, so results stay out of git unless
   * that file is removed).
   */
  out?: string;
  /**
   * Continue the sweep in `out` (which must exist) without repeating finished entries; the config must
   * make the same matrix with the same settings as the one that started it (`measure.timeoutSeconds` may
   * change; see {@link reconcileResume}). Default: false (`out` must hold no sweep yet).
   */
  resume?: boolean;
  /**
   * With `resume`: run the entries that errored again (each new record keeps the earlier errors in its
   * `attempts`). Default: false (errored entries stay as recorded).
   */
  retryErrored?: boolean;
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
  /** Turns to take before each worker launch, shared with a sweep running beside this one (`gate --ab`). Default: none. */
  turns?: LaunchTurns;
}

/** Options of {@link resumeSweep}. */
export type ResumeOptions = Omit<RunPlanOptions, 'out' | 'resume' | 'baseDir' | 'configSource'> & {
  /**
   * The config as the caller would run it now (the stored one with the command line's flags applied): a
   * difference that changes the sweep is refused, `measure.timeoutSeconds` is applied. Default: the stored
   * config as it is.
   */
  config?: SweepConfig;
};

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

/**
 * Plans and runs a sweep of `config`; see the module comment and {@link RunPlanOptions}. The output folder
 * is locked for the sweep ({@link OutputLock}): a second runner on it is refused with OutputLockedError.
 */
export async function runPlan(given: SweepConfig, options: RunPlanOptions = {}): Promise<RunOutcome> {
  const registry = options.registry ?? backendRegistry;
  const baseDir = options.baseDir ?? process.cwd();
  // Task files and texts are found by the workers wherever they run: their paths are made absolute.
  const config: SweepConfig = { ...given, quality: absoluteQualityPaths(given.quality, baseDir) };
  // Everything that can be wrong with the input is checked before anything runs or is written.
  await checkQuality(config);
  if (options.resume) {
    if (!options.out) throw new ConfigError('--resume needs --out DIR naming the sweep to continue');
    const outDir = resolve(options.out);
    return withLock(outDir, options, async () => {
      const manifest = readSweepManifest(outDir);
      if (matrixHash(expandMatrix(config, registry, baseDir)) !== manifest.plan.matrixHash) {
        throw new ConfigError(`--resume: the config given makes another matrix than the sweep in ${outDir} (other models, backends, options or workloads); use another --out`);
      }
      const reconciled = reconcileResume(config, manifest.config, { outDir, compareSweep: false, ...shards(options.shard, manifest) });
      checkBackendPackages(manifest.plan.entries, registry);
      return continueSweep(reconciled, manifest, outDir, options);
    });
  }
  if (options.retryErrored) throw new ConfigError('--retry-errored runs the errored entries of an existing sweep again: it needs --resume --out DIR');
  const plan = await planSweep(config, {
    baseDir,
    registry,
    ...(options.shard ? { shard: options.shard } : {}),
    onForge: (spec, folder) => options.events?.onForge?.(spec, folder),
  });
  checkBackendPackages(plan.entries, registry);
  // The fidelity references are planned (and a configured one checked) before anything is written.
  const fidelity = config.quality.fidelity ? await planFidelity(config.quality.fidelity, plan.entries, { registry, baseDir }) : null;
  const holdsSweep = (dir: string) => existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, ENTRIES_FILE));
  const out = options.out ?? config.out;
  // Before the lock (whose stale owner would be taken over for nothing), and again under it (a runner that
  // started beside this one may have written its sweep meanwhile).
  if (out !== undefined && holdsSweep(resolve(out))) throw alreadyHolds(resolve(out));
  const outDir = prepareOutDir(out);
  return withLock(outDir, options, async () => {
    if (holdsSweep(outDir)) throw alreadyHolds(outDir);
    const manifest: SweepManifest = {
      schemaVersion: RESULT_SCHEMA_VERSION,
      startedAt: new Date().toISOString(),
      configSource: options.configSource ?? 'library',
      config,
      plan,
    };
    writeSweepManifest(outDir, manifest);
    return continueSweep({ config, notes: [] }, manifest, outDir, options, fidelity);
  });
}

/**
 * Resumes the sweep in `outDir` with the config and plan it started with (`sweep.json`); `options.config`
 * may change what {@link reconcileResume} allows. Locks the folder like {@link runPlan}.
 */
export async function resumeSweep(outDir: string, options: ResumeOptions = {}): Promise<RunOutcome> {
  const absolute = resolve(outDir);
  return withLock(absolute, options, async () => {
    const manifest = readSweepManifest(absolute);
    const reconciled = options.config
      ? reconcileResume(options.config, manifest.config, { outDir: absolute, compareSweep: true, ...shards(options.shard, manifest) })
      : { config: manifest.config, notes: [] };
    await checkQuality(reconciled.config);
    checkBackendPackages(manifest.plan.entries, options.registry ?? backendRegistry);
    return continueSweep(reconciled, manifest, absolute, options);
  });
}

function alreadyHolds(outDir: string): OutputError {
  return new OutputError(`${outDir} already holds a sweep; continue it with --resume or choose another --out`);
}

function shards(shard: RunPlanOptions['shard'], manifest: SweepManifest) {
  return { ...(shard ? { shard } : {}), ...(manifest.plan.shard ? { storedShard: manifest.plan.shard } : {}) };
}

/** Accuracy tasks resolve (task files parse) and their datasets are on disk. */
async function checkQuality(config: SweepConfig): Promise<void> {
  if (hasQualityTasks(config.quality)) await checkTaskData(resolveQualityTasks(config.quality));
}

/** Runs `run` holding the lock of `outDir` (which must exist: a resumed sweep's is checked here). */
async function withLock<T>(outDir: string, options: RunPlanOptions, run: () => Promise<T>): Promise<T> {
  if (!existsSync(outDir)) readSweepManifest(outDir); // a resumed sweep's folder: "no sweep to resume"
  const lock = OutputLock.acquire(outDir, (note) => options.events?.onNote?.(note));
  try {
    return await run();
  } finally {
    lock.release();
  }
}

async function continueSweep(reconciled: ReconciledResume, manifest: SweepManifest, outDir: string, options: RunPlanOptions, planned: FidelityPlan | null = null): Promise<RunOutcome> {
  const { config } = reconciled;
  const { plan, startedAt, configSource } = manifest;
  const events = options.events ?? {};
  const registry = options.registry ?? backendRegistry;
  const quality = hasQualityTasks(config.quality) ? config.quality : null;
  const log = new EntryLog(join(outDir, ENTRIES_FILE));
  const { notes, records: recorded } = log.recover();
  for (const note of [...reconciled.notes, ...notes]) events.onNote?.(note);
  const retryErrored = options.retryErrored ?? false;
  events.onPlan?.(plan, outDir, recorded.filter((r) => isFinished(r, retryErrored)));
  const device = await collectDeviceFingerprint();
  const bandwidth = deviceBandwidth(device.id, events);
  const cpu = { brand: device.cpu.brand, physicalCores: device.cpu.physicalCores ?? undefined, family: device.cpu.family, model: device.cpu.model };
  // Fidelity: every reference made (or an earlier sweep's reused) before the first entry.
  const fidelityPlan = planned ?? (config.quality.fidelity ? await planFidelity(config.quality.fidelity, plan.entries, { registry, baseDir: options.baseDir ?? process.cwd() }) : null);
  const fidelity = fidelityPlan
    ? await makeFidelityReferences(fidelityPlan, {
        registry,
        launchers: options.launchers,
        measure: config.measure,
        energy: config.energy,
        cpu,
        signal: options.signal,
        onReference: (r) =>
          events.onNote?.(
            r.sha256
              ? `fidelity reference ${r.label}: ${r.reused ? 'reused' : 'made'} ${r.file} (sha256 ${r.sha256.slice(0, 12)})`
              : `fidelity reference ${r.label} could not be made (${r.error}); its entries run without fidelity figures`,
          ),
      })
    : null;
  const records = await runSweep({
    entries: plan.entries,
    measure: config.measure,
    energy: config.energy,
    quality,
    samplesDir: quality?.logSamples ? ensureDir(join(outDir, 'samples')) : null,
    cpu,
    bandwidth,
    ...(fidelity ? { fidelity } : {}),
    slo: config.slo ? resolveSlo(config.slo) : null,
    log,
    outDir,
    retryErrored,
    recorded,
    registry,
    launchers: options.launchers,
    signal: options.signal,
    events,
    ...(options.turns ? { turns: options.turns } : {}),
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
  const ranked = attachRanking(result, { requireSlo: config.ranking.requireSlo });
  // writeFileAtomic names the file and the reason; these say what is kept and how to go on.
  try {
    writeJsonAtomic(resultPath, ranked);
  } catch (error) {
    throw new OutputError(`${(error as Error).message}; every entry is in ${join(outDir, ENTRIES_FILE)}: free the space and run with --resume --out ${outDir}`, { cause: error });
  }
  let reportPath: string | null = null;
  if (options.report !== false) {
    try {
      reportPath = writeHtmlReport([{ result: ranked, source: resultPath }], join(outDir, 'report.html'));
    } catch (error) {
      throw new OutputError(`${(error as Error).message}; result.json is written: slmbench report ${resultPath} makes it again`, { cause: error });
    }
  }
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

/**
 * Makes the output folder (a bounded walk: paths under /proc fail at once) and checks that it is a
 * writable folder; the default one goes under `slmbench-results/`, which gets a `.gitignore` when made.
 * Returns it absolute.
 */
function prepareOutDir(given: string | undefined): string {
  if (given === undefined) {
    const root = resolve(DEFAULT_RESULTS_DIR);
    if (!existsSync(root)) {
      makeDir(root, 'results folder');
      writeFileSync(join(root, '.gitignore'), '# made by slmbench: sweeps written here stay out of git; delete this file to commit them\n*\n');
    }
  }
  const outDir = resolve(given ?? defaultOutDir());
  makeDir(outDir, 'output folder');
  const probe = join(outDir, `.slmbench-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (error) {
    throw new OutputError(`${outDir}: the output folder is not writable (${describeFsError(error)})`);
  } finally {
    rmSync(probe, { force: true });
  }
  return outDir;
}

function ensureDir(dir: string): string {
  makeDir(dir);
  return dir;
}

/** The folder default output folders go in, under the working directory. */
const DEFAULT_RESULTS_DIR = 'slmbench-results';

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return join(DEFAULT_RESULTS_DIR, stamp);
}
