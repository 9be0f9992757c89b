/**
 * `slmbench run`: config → matrix → sweep in isolated workers → entries.jsonl → result.json → table.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { backendRegistry } from '../../adapters/registry.js';
import type { CompositeStageSpec, ModelFormat } from '../../adapters/types.js';
import type { SweepConfig } from '../config/configSchema.js';
import { parseConfig, readConfigFile } from '../config/parseConfig.js';
import { collectDeviceFingerprint } from '../device/collectDeviceFingerprint.js';
import { ConfigError, ModelNotFoundError, OutputError } from '../errors.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import { expandMatrix } from '../matrix/expandMatrix.js';
import { parseShardSpec, shardInfo, type ShardInfo } from '../matrix/selectShard.js';
import { inspectModel } from '../model/inspectModel.js';
import { resolveModelSpec } from '../model/resolveModelSpec.js';
import { absoluteQualityPaths, hasQualityTasks, resolveQualityTasks } from '../quality/resolveQualityTasks.js';
import { isFileReference } from '../../suites/registry.js';
import { probeAndStoreBandwidth, readStoredBandwidth, type StoredBandwidth } from '../device/storedBandwidth.js';
import { modelDecodeFacts, type ModelDecodeFacts } from '../roofline/modelDecodeFacts.js';
import { projectPath } from '../util/projectPath.js';
import { EntryLog } from '../result/EntryLog.js';
import type { EntryModel, EntryRecord } from '../result/EntryRecord.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/RunResult.js';
import { writeJsonAtomic } from '../result/writeJsonAtomic.js';
import { runSweep } from '../runner/runSweep.js';
import { attachRanking } from '../ranking/attachRanking.js';
import { writeHtmlReport } from '../../reports/html/writeHtmlReport.js';
import { harnessInfo } from '../util/harnessInfo.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { SweepProgress } from '../../reports/console/SweepProgress.js';
import { summarizeEntries } from '../result/summarizeEntries.js';

/** Flags of `slmbench run`. */
export interface RunFlags {
  /** Config file (YAML or JSON). */
  config?: string;
  /** Model paths; replace the config's models. */
  model?: string[];
  /** Backend ids; replace the config's backends (keeping a same-id backend's options from the config). */
  backend?: string[];
  /** Prompt length in tokens (one workload). */
  promptTokens?: number;
  /** Tokens to generate (one workload). */
  genTokens?: number;
  /** Explicit prompt text (one workload). */
  prompt?: string;
  /** Exactly this many measured repetitions (sets min = max, min seconds 0). */
  repetitions?: number;
  /** Worker processes per entry (`measure.processes`). */
  processes?: number;
  /** Seconds of warmup at least (`measure.warmupSeconds`). */
  warmupSeconds?: number;
  /** Output folder. */
  out?: string;
  /** Continue the sweep in `--out`. */
  resume?: boolean;
  /** Per-entry timeout in seconds. */
  timeout?: number;
  /** Print result.json to stdout instead of the table. */
  json?: boolean;
  /** Accuracy suites by name or file (repeatable). */
  suite?: string[];
  /** Accuracy tasks by id or file (repeatable). */
  task?: string[];
  /** Plain-text files to score for perplexity (repeatable). */
  perplexity?: string[];
  /** Document separator of the perplexity texts. */
  separator?: string;
  /** Rows per accuracy task. */
  limit?: number;
  /** Write per-sample predictions to DIR/samples/<entry id>.jsonl. */
  logSamples?: boolean;
  /** Run shard K of N (`K/N`) of the matrix. Default: the whole matrix. */
  shard?: string;
}

/** The sweep manifest written before the first entry runs, so `--resume` repeats exactly this matrix. */
interface SweepManifest {
  schemaVersion: number;
  startedAt: string;
  configSource: string;
  config: SweepConfig;
  entries: MatrixEntry[];
  /** The shard this sweep runs, when sharded. */
  shard?: ShardInfo;
}

const MANIFEST = 'sweep.json';
const ENTRIES = 'entries.jsonl';
const RESULT = 'result.json';

export async function runCommand(flags: RunFlags): Promise<number> {
  const plan = flags.resume ? resumePlan(flags) : newPlan(flags);
  const { config, outDir, configSource } = plan;
  // Everything that can be wrong with the input is checked before anything runs or is written.
  const quality = hasQualityTasks(config.quality) ? config.quality : null;
  if (quality) resolveQualityTasks(quality);
  const entries = await resolveModels(plan.entries);
  const models = await inspectModels(entries);
  if (!flags.resume) prepareOutDir(outDir);
  const err = process.stderr;
  err.write(`slmbench: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} → ${outDir}\n`);
  for (const entry of entries) err.write(`  ${String(entry.index + 1).padStart(3)}. ${entry.label}  [${entry.id}]\n`);
  const startedAt = plan.startedAt ?? new Date().toISOString();
  if (!flags.resume) {
    const manifest: SweepManifest = { schemaVersion: RESULT_SCHEMA_VERSION, startedAt, configSource, config, entries, ...(plan.shard ? { shard: plan.shard } : {}) };
    writeJsonAtomic(join(outDir, MANIFEST), manifest);
  }
  const device = await collectDeviceFingerprint();
  const bandwidth = deviceBandwidth(device.id);
  const facts = decodeFacts(models);
  const log = new EntryLog(join(outDir, ENTRIES));
  const progress = new SweepProgress(entries, log.read().map((r) => r.id));
  let current: ChildProcess | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    current?.kill('SIGKILL');
    progress.stop();
    err.write(`slmbench: interrupted by ${signal}; finished entries are in ${join(outDir, ENTRIES)}; continue with --resume --out ${outDir}\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let records: EntryRecord[];
  try {
    records = await runSweep({
      entries,
      measure: config.measure,
      energy: config.energy,
      quality,
      samplesDir: quality?.logSamples ? ensureDir(join(outDir, 'samples')) : null,
      cpu: { brand: device.cpu.brand, physicalCores: device.cpu.physicalCores ?? undefined, family: device.cpu.family, model: device.cpu.model },
      context: async (entry, resolved) => ({ facts: await facts(entry.model.path, resolved.modelFile), bandwidth }),
      log,
      models,
      skipReason: (entry, model) => {
        const definition = backendRegistry.find((d) => d.id === entry.backend.id);
        return definition && !definition.formats.includes(model.format as ModelFormat)
          ? `backend ${definition.id} does not read ${model.format} models (it reads ${definition.formats.join(', ')})`
          : undefined;
      },
      onSpawn: (entry, child) => {
        current = child;
        progress.spawned(entry, child.pid);
      },
      onEntryStart: (entry) => progress.start(entry),
      onPhase: (entry, phase) => progress.phase(entry, phase),
      onEntryEnd: (record) => progress.end(record),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }

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
    ...(plan.shard ? { shard: plan.shard } : {}),
  };
  const resultPath = join(outDir, RESULT);
  const ranked = attachRanking(result);
  writeJsonAtomic(resultPath, ranked);
  const reportPath = writeHtmlReport([{ result: ranked, source: resultPath }], join(outDir, 'report.html'));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(ranked, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderEntriesTable(records)}\n`);
    const missed = records.filter((r) => r.measurement?.targetMet === false);
    if (missed.length && config.measure.targetCiWidth !== null) {
      const widest = Math.max(...missed.map((r) => r.measurement!.ciRelativeWidth ?? 0));
      process.stdout.write(
        `\n${missed.length} of ${records.length} entries did not reach the ${(config.measure.targetCiWidth * 100).toFixed(1)}% interval target ` +
          `(widest ${(widest * 100).toFixed(1)}%): their processes disagree more than that, or maxSeconds ran out; ` +
          'more processes (--processes) narrow the interval honestly\n',
      );
    }
    process.stdout.write(`\nresult: ${resultPath}\nreport: ${reportPath}\nentries: ${join(outDir, ENTRIES)}\n`);
  }
  return 0;
}

interface Plan {
  config: SweepConfig;
  entries: MatrixEntry[];
  outDir: string;
  configSource: string;
  startedAt?: string;
  shard?: ShardInfo;
}

function newPlan(flags: RunFlags): Plan {
  const { config, source, baseDir } = buildConfig(flags);
  const matrix = expandMatrix(config, backendRegistry, baseDir);
  const outDir = resolve(flags.out ?? config.out ?? defaultOutDir());
  if (!flags.shard) return { config, entries: matrix, outDir, configSource: source };
  // A shard keeps each entry's index (its position in the full matrix), so merged shards sort back into matrix order.
  const { index, count } = parseShardSpec(flags.shard);
  // Deal entries a backend will run and entries it will skip (a format it cannot read) separately, so
  // every shard gets its share of real work.
  const shard = shardInfo(matrix, index, count, { groupBy: (entry) => (backendReads(entry) ? 'run' : 'skip') });
  return { config, entries: matrix.filter((e) => shard.entryIds.includes(e.id)), outDir, configSource: source, shard };
}

function resumePlan(flags: RunFlags): Plan {
  if (!flags.out) throw new ConfigError('--resume needs --out DIR naming the sweep to continue');
  const outDir = resolve(flags.out);
  const manifestPath = join(outDir, MANIFEST);
  if (!existsSync(manifestPath)) throw new OutputError(`${outDir}: no sweep to resume (${MANIFEST} is missing)`);
  let manifest: SweepManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SweepManifest;
  } catch (error) {
    throw new OutputError(`${manifestPath}: unreadable (${(error as Error).message})`);
  }
  if (flags.config || flags.model?.length || flags.backend?.length) {
    const fresh = newPlan(flags);
    const same = fresh.entries.map((e) => e.id).join() === manifest.entries.map((e) => e.id).join();
    if (!same) throw new ConfigError(`--resume: the config given differs from the sweep in ${outDir}; use another --out`);
  }
  return { config: manifest.config, entries: manifest.entries, outDir, configSource: manifest.configSource, startedAt: manifest.startedAt, ...(manifest.shard ? { shard: manifest.shard } : {}) };
}

/** Whether the entry's backend reads its model's format, judged from the spec (no file access). */
function backendReads(entry: MatrixEntry): boolean {
  const definition = backendRegistry.find((d) => d.id === entry.backend.id);
  if (definition?.composite) return true;
  const spec = entry.model.spec.toLowerCase();
  const format: ModelFormat = spec.startsWith('remote:')
    ? 'remote'
    : spec.endsWith('.gguf') || /^forge:[^/]+(\/(f32|f16|q8_0|q4_0))?$/.test(spec) || /^hf:.*\.gguf(@.*)?$/.test(spec)
    ? 'gguf'
    : spec.endsWith('.onnx')
      ? 'onnx'
      : 'transformers-js';
  return definition?.formats.includes(format) ?? true;
}

/** Builds the config from `--config` and the flags that override it. */
export function buildConfig(flags: RunFlags): { config: SweepConfig; source: string; baseDir: string } {
  let data: Record<string, unknown> = {};
  let source = 'command line';
  let baseDir = process.cwd();
  if (flags.config) {
    const file = resolve(flags.config);
    const fromFile = readConfigFile(file, backendRegistry);
    data = JSON.parse(JSON.stringify(fromFile)) as Record<string, unknown>;
    source = flags.config;
    baseDir = dirname(file);
  }
  const sweep = { ...((data.sweep as Record<string, unknown> | undefined) ?? {}) };
  if (flags.model?.length) {
    sweep.models = flags.model;
    baseDir = process.cwd(); // command-line paths are relative to where the command runs
  }
  const backendsGiven = Array.isArray(sweep.backends) ? (sweep.backends as { id?: unknown }[]) : [];
  const onlyComposites = backendsGiven.length > 0 && backendsGiven.every((b) => backendRegistry.find((d) => d.id === b.id)?.composite);
  if (!sweep.models && !onlyComposites) {
    if (flags.config) throw new ConfigError(`${flags.config}: sweep.models: no model to run (or pass --model PATH)`);
    // No config and no model: the built-in quick sweep.
    const quick = projectPath('suites', 'sweeps', 'quick.yaml');
    return buildConfig({ ...flags, config: quick });
  }
  if (flags.backend?.length) {
    const previous = (sweep.backends as { id: string }[] | undefined) ?? [];
    sweep.backends = flags.backend.map((id) => previous.find((b) => b.id === id) ?? { id });
  }
  if (flags.promptTokens !== undefined || flags.genTokens !== undefined || flags.prompt !== undefined) {
    if (flags.prompt !== undefined && flags.promptTokens !== undefined) {
      throw new ConfigError('--prompt and --prompt-tokens exclude each other');
    }
    const previous = ((sweep.workloads as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    sweep.workloads = [
      {
        ...(flags.prompt !== undefined
          ? { prompt: flags.prompt }
          : flags.promptTokens !== undefined
            ? { promptTokens: flags.promptTokens }
            : previous.prompt !== undefined
              ? { prompt: previous.prompt }
              : previous.promptTokens !== undefined
                ? { promptTokens: previous.promptTokens }
                : {}),
        genTokens: flags.genTokens ?? previous.genTokens ?? 128,
      },
    ];
  }
  const measure = { ...((data.measure as Record<string, unknown> | undefined) ?? {}) };
  if (flags.repetitions !== undefined) {
    measure.minRepetitions = flags.repetitions;
    measure.maxRepetitions = flags.repetitions;
    measure.minSeconds = 0;
    measure.targetCiWidth = null;
  }
  if (flags.timeout !== undefined) measure.timeoutSeconds = flags.timeout;
  if (flags.warmupSeconds !== undefined) measure.warmupSeconds = flags.warmupSeconds;
  if (flags.processes !== undefined) measure.processes = flags.processes;
  const quality = { ...((data.quality as Record<string, unknown> | undefined) ?? {}) };
  // Files named on the command line are relative to where the command runs.
  const fromCwd = (p: string) => (isFileReference(p) ? resolve(p) : p);
  if (flags.suite?.length) quality.suites = flags.suite.map(fromCwd);
  if (flags.task?.length) quality.tasks = flags.task.map(fromCwd);
  if (flags.perplexity?.length) {
    quality.perplexity = flags.perplexity.map((file) => ({ file: resolve(file), ...(flags.separator ? { separator: flags.separator } : {}) }));
  } else if (flags.separator !== undefined) {
    throw new ConfigError('--separator applies to --perplexity FILE');
  }
  if (flags.limit !== undefined) quality.limit = flags.limit;
  if (flags.logSamples) quality.logSamples = true;
  const merged = { ...data, sweep, measure, quality };
  const config = parseConfig(merged, source, backendRegistry);
  return { config: { ...config, quality: absoluteQualityPaths(config.quality, baseDir) }, source, baseDir };
}

/**
 * This device's memory bandwidth for the decode roofline: the stored probe (`slmbench device --probe`),
 * else a probe now (a few seconds, once per device; stored for later runs).
 */
function deviceBandwidth(deviceId: string): StoredBandwidth | null {
  const stored = readStoredBandwidth(deviceId);
  if (stored) return stored;
  process.stderr.write('slmbench: measuring this device\'s memory bandwidth for the decode roofline (once; stored)\n');
  try {
    return probeAndStoreBandwidth(deviceId);
  } catch (error) {
    process.stderr.write(`slmbench: bandwidth probe failed (${(error as Error).message}); no roofline\n`);
    return null;
  }
}

/**
 * Decode facts (weights read per token, KV shape) of a model, for the ONNX file the backend loaded;
 * null where the model does not say, for a served (`remote`) model, whose weights are not here, and for a
 * composite, whose stages read different weights per request.
 * Computed once per model file.
 */
function decodeFacts(models: ReadonlyMap<string, EntryModel>) {
  const cache = new Map<string, Promise<ModelDecodeFacts | null>>();
  return (path: string, modelFile: unknown): Promise<ModelDecodeFacts | null> => {
    const model = models.get(path);
    if (!model || model.format === 'remote' || model.format === 'composite') return Promise.resolve(null);
    const file = typeof modelFile === 'string' ? modelFile : undefined;
    const key = `${path}\0${file ?? ''}`;
    if (!cache.has(key)) cache.set(key, modelDecodeFacts(path, model.format as ModelFormat, file).catch(() => null));
    return cache.get(key)!;
  };
}

/**
 * Resolves model specs with a scheme (forge:…) to local files, forging them into the cache when needed;
 * a composite entry's stage models likewise.
 */
async function resolveModels(entries: readonly MatrixEntry[]): Promise<MatrixEntry[]> {
  const resolved = new Map<string, string>();
  const resolveOne = async (model: MatrixEntry['model']): Promise<MatrixEntry['model']> => {
    if (!resolved.has(model.spec)) {
      resolved.set(
        model.spec,
        await resolveModelSpec(model.spec, model.path, {
          onForge: (spec, folder) => process.stderr.write(`slmbench: forging ${spec} into ${folder} (once; reused after)\n`),
        }),
      );
    }
    return { ...model, path: resolved.get(model.spec)! };
  };
  const out: MatrixEntry[] = [];
  for (const entry of entries) {
    const stages = compositeStages(entry);
    if (stages) {
      const resolvedStages: CompositeStageSpec[] = [];
      for (const stage of stages) resolvedStages.push({ ...stage, model: await resolveOne(stage.model) });
      out.push({ ...entry, backend: { ...entry.backend, options: { ...entry.backend.options, stages: resolvedStages } } });
    } else {
      out.push({ ...entry, model: await resolveOne(entry.model) });
    }
  }
  return out;
}

/** A composite entry's stages; undefined for a single model's entry. */
function compositeStages(entry: MatrixEntry): CompositeStageSpec[] | undefined {
  const definition = backendRegistry.find((d) => d.id === entry.backend.id);
  return definition?.composite ? (entry.backend.options.stages as CompositeStageSpec[]) : undefined;
}

/**
 * Inspects every local model once. A served model (`remote:NAME`) is not inspected: there is no file, so
 * its format is `remote` and its identity, size and shape are null. A composite's model (format
 * `composite`) lists its stages' records; its size and parameters are their sums (null when a stage is
 * served), its context the smallest of its stages'.
 */
async function inspectModels(entries: readonly MatrixEntry[]): Promise<Map<string, EntryModel>> {
  const models = new Map<string, EntryModel>();
  const inspectOne = async (model: MatrixEntry['model']): Promise<EntryModel> => {
    const known = models.get(model.path);
    if (known) return known;
    const { spec, path, name } = model;
    let record: EntryModel;
    if (spec.startsWith('remote:')) {
      record = { spec, path, name, format: 'remote', sha256: null, sizeBytes: null, params: null, quant: null, arch: null, contextLength: null, vocabSize: null };
    } else {
      if (!existsSync(path)) throw new ModelNotFoundError(spec);
      const inspected = await inspectModel(path);
      record = {
        spec,
        path,
        name,
        format: inspected.format,
        sha256: inspected.sha256,
        sizeBytes: inspected.sizeBytes,
        params: inspected.params ?? null,
        quant: inspected.quant ?? null,
        arch: inspected.arch ?? null,
        contextLength: inspected.contextLength ?? null,
        vocabSize: inspected.vocabSize ?? null,
      };
    }
    models.set(path, record);
    return record;
  };
  for (const entry of entries) {
    const stages = compositeStages(entry);
    if (!stages) {
      await inspectOne(entry.model);
      continue;
    }
    if (models.has(entry.model.path)) continue;
    const records: EntryModel[] = [];
    for (const stage of stages) records.push({ ...(await inspectOne(stage.model)), name: stage.model.name });
    const sum = (values: (number | null)[]) => (values.every((v): v is number => v !== null) ? values.reduce((a, b) => a + b, 0) : null);
    const contexts = records.map((r) => r.contextLength).filter((c): c is number => c !== null && c > 0);
    const { spec, path, name } = entry.model;
    models.set(path, {
      spec,
      path,
      name,
      format: 'composite',
      sha256: null,
      sizeBytes: sum(records.map((r) => r.sizeBytes)),
      params: sum(records.map((r) => r.params)),
      quant: null,
      arch: null,
      contextLength: contexts.length ? Math.min(...contexts) : null,
      vocabSize: records[0]?.vocabSize ?? null,
      stages: records,
    });
  }
  return models;
}

function prepareOutDir(outDir: string): void {
  if (existsSync(join(outDir, MANIFEST)) || existsSync(join(outDir, ENTRIES))) {
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

