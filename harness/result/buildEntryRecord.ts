/** Turns what a worker measured (or how it failed) into the entry record kept in the results. */
import type { RemoteModelInfo } from '../../adapters/types.js';
import type { ErrorRecord } from '../errors.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import type { WorkerMeasurement } from '../runner/messages.js';
import { summarize, type Stats } from '../stats/summarize.js';
import { bootstrapInterval } from '../stats/bootstrapInterval.js';
import { hierarchicalBootstrapMedian } from '../stats/hierarchicalBootstrapMedian.js';
import { tukeyOutliers } from '../stats/tukeyOutliers.js';
import type { RepetitionSample } from '../trackers/latencySample.js';
import type { EnergyReading } from '../energy/EnergyTypes.js';
import type { ModelDecodeFacts } from '../roofline/modelDecodeFacts.js';
import { decodeRoofline } from '../roofline/decodeRoofline.js';
import type { MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';
import { KV_CACHE_TYPE_BYTES, kvCacheBytes } from '../trackers/kvCacheBytes.js';
import { modelResidentBytes } from '../trackers/modelResidentBytes.js';
import type { EntryEnergy, EntryModel, EntryRecord, EntryRoofline, MeasuredStats } from './EntryRecord.js';
import { compositeSummary, type EntryComposite } from './compositeSummary.js';

/** Timing of an entry's worker. */
export interface EntryTiming {
  startedAt: Date;
  endedAt: Date;
  /** Highest RSS the runner's sampler saw (bytes), or null. */
  peakRssSampledBytes: number | null;
}

const one = (samples: number[], name: string): Stats => {
  const stats = summarize(samples);
  if (!stats) throw new Error(`no samples of ${name}`);
  return stats;
};

/** What the runner knows beyond the worker's measurement, for the derived figures. */
export interface EntryContext {
  /** The model's decode facts (weights read per token, KV shape); null when unknown. */
  facts: ModelDecodeFacts | null;
  /** This device's memory bandwidth; null when not probed. */
  bandwidth: MemoryBandwidth | null;
}

/**
 * Statistics of a per-repetition metric measured in one or more worker processes (one array per process,
 * in measurement order): each process's first repetition is cold (the first process's is reported as
 * `cold`), the rest are summarised; the median's interval is a plain bootstrap for one process and a
 * two-stage (processes, then repetitions) bootstrap for several, so it includes the spread between processes.
 */
export function measuredStats(groups: readonly number[][]): MeasuredStats | null {
  const warm = groups.map((g) => (g.length > 1 ? g.slice(1) : g)).filter((g) => g.length > 0);
  const rest = warm.flat();
  const stats = summarize(rest);
  if (!stats) return null;
  const first = groups.find((g) => g.length > 0);
  const cold = first && first.length > 1 ? first[0]! : null;
  const interval = warm.length > 1 ? hierarchicalBootstrapMedian(warm) : bootstrapInterval(rest, { statistic: 'median' });
  // Outliers by index into the concatenated samples of all processes.
  const fences = tukeyOutliers(rest);
  const indexInAll: number[] = [];
  let offset = 0;
  for (const g of groups) {
    for (let i = g.length > 1 ? 1 : 0; i < g.length; i++) indexInAll.push(offset + i);
    offset += g.length;
  }
  return {
    ...stats,
    cold,
    medianCi95: [interval.low, interval.high],
    outliers: fences?.outliers.map((o) => indexInAll[o.index]!) ?? [],
  };
}

/** The record of a measured entry, from the measurements of its worker processes (one or more). */
export function okEntryRecord(
  entry: MatrixEntry,
  model: EntryModel,
  measurements: readonly WorkerMeasurement[],
  timing: EntryTiming,
  context: EntryContext = { facts: null, bandwidth: null },
  targetCiWidth?: number | null,
): EntryRecord {
  const m = measurements[0]!;
  const lastProcess = measurements[measurements.length - 1]!;
  const perProcess = <T>(f: (r: RepetitionSample) => T | null): T[][] =>
    measurements.map((x) => x.repetitions.map(f).filter((v): v is T => v !== null));
  const groups = {
    ttftMs: perProcess((r) => r.ttftMs),
    e2eMs: perProcess((r) => r.e2eMs),
    prefillTps: perProcess((r) => r.prefillTps),
    tpotMs: perProcess((r) => r.tpotMs),
    decodeTps: perProcess((r) => r.decodeTps),
    itlMs: perProcess((r) => r.itlMs),
  };
  const required = (samples: number[][], name: string): MeasuredStats => {
    const stats = measuredStats(samples);
    if (!stats) throw new Error(`no samples of ${name}`);
    return stats;
  };
  const decodeTps = measuredStats(groups.decodeTps);
  const contextTokens = m.promptTokenIds.length + entry.workload.genTokens;
  const kvBytesPerElement = kvElementBytes(m.runtime.resolvedOptions);
  const kv = context.facts ? { ...context.facts.kv, bytesPerElement: kvBytesPerElement } : null;
  const last = lastProcess.repetitions[lastProcess.repetitions.length - 1]!;
  const eosIndex = last.tokenIds.findIndex((id) => m.runtime.eosTokenIds.includes(id));
  const maxOf = (values: (number | null)[]): number | null => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? Math.max(...known) : null;
  };
  const peakRssBytes = maxOf(measurements.map((x) => x.memory.vmHwmBytes)) ?? timing.peakRssSampledBytes ?? m.memory.rssAfterLoadBytes;
  const reference = m.repetitions[0]?.tokenIds.join(',');
  const consistent = measurements.every((x) => x.outputsConsistent && x.repetitions[0]?.tokenIds.join(',') === reference);
  const energies = measurements.map((x) => x.energy).filter((e): e is EnergyReading => e !== null);
  const remote = remoteInfo(measurements);
  const energy = energies.length && !remote ? entryEnergy(energies) : null;
  const composite = compositeRecord(measurements, energy);
  const servedStages = composite?.stages.filter((s) => s.remote) ?? [];
  const notMeasured = remote
    ? {
        memory: `the model runs on the server at ${remote.baseUrl}: peak memory is the client's (this worker's), not the server's`,
        energy: `the model runs on the server at ${remote.baseUrl}: its energy is spent there, out of slmbench's sight`,
      }
    : servedStages.length
      ? {
          memory: `stage ${servedStages.map((s) => s.name).join(', ')} runs on a server: peak memory covers the local stages only`,
          energy: `stage ${servedStages.map((s) => s.name).join(', ')} runs on a server: energy covers the local stages only`,
        }
      : null;
  return {
    ...base(entry, model, timing),
    status: 'ok',
    backend: {
      id: entry.backend.id,
      version: mainVersion(m.versions),
      versions: m.versions,
      options: entry.backend.options,
      resolvedOptions: m.runtime.resolvedOptions,
      device: m.runtime.device,
      ...(remote ? { remote } : {}),
    },
    workload: { ...entry.workload, promptTokenCount: m.promptTokenIds.length },
    measurement: {
      processes: measurements.length,
      warmupRuns: m.warmup.runs,
      warmupSeconds: m.warmup.seconds,
      warmupReason: m.warmup.reason,
      stopReason: m.stopReason,
      repetitions: measurements.reduce((n, x) => n + x.repetitions.length, 0),
      measuredSeconds: measurements.reduce((n, x) => n + x.measuredSeconds, 0),
      tokenHandover: m.runtime.tokenHandover,
      clock: 'performance.now() in the worker',
      eos: 'ignored',
      intervals:
        measurements.length > 1
          ? 'two-stage bootstrap over processes and repetitions, widened for few processes'
          : 'bootstrap over the repetitions of one process',
      ...targetFigures(decodeTps, targetCiWidth),
    },
    metrics: {
      loadMs: one(measurements.map((x) => x.loadMs), 'loadMs'),
      tokenizeMs: one(measurements.map((x) => x.tokenizeMs), 'tokenizeMs'),
      ttftMs: required(groups.ttftMs, 'ttftMs'),
      tpotMs: measuredStats(groups.tpotMs),
      // Gaps of the repetitions after each process's cold one (of the only one when a process has one).
      itlMs: summarize(groups.itlMs.flatMap((g) => (g.length > 1 ? g.slice(1) : g)).flat()),
      prefillTps: required(groups.prefillTps, 'prefillTps'),
      decodeTps,
      e2eMs: required(groups.e2eMs, 'e2eMs'),
      peakRssBytes,
      peakRssSampledBytes: timing.peakRssSampledBytes,
      rssAfterLoadBytes: m.memory.rssAfterLoadBytes,
      rssBeforeLoadBytes: m.memory.rssBeforeLoadBytes,
      modelResidentBytes: modelResidentBytes(m.memory),
      kvCacheBytes: kv ? kvCacheBytes(kv, contextTokens) : null,
      gpuMemoryBytes: maxOf(measurements.map((x) => x.memory.gpuBytes)),
      modelSizeBytes: model.sizeBytes,
      energy,
      ...(notMeasured ? { notMeasured } : {}),
      ...(composite?.kind === 'cascade' ? { escalationRate: (composite.tasks ?? composite.measured).escalationRate } : {}),
      roofline:
        kv && context.facts && context.bandwidth && entry.workload.genTokens >= 2
          ? roofline(context.facts, kv, context.bandwidth, m.promptTokenIds.length, entry.workload.genTokens, decodeTps?.median ?? null)
          : null,
      ...(m.quality ? { quality: Object.fromEntries(m.quality.filter((t) => !t.skipped).map((t) => [t.taskId, t.metrics])) } : {}),
    },
    ...(m.quality ? { quality: m.quality.map(({ metrics: _metrics, ...rest }) => rest) } : {}),
    ...(composite ? { composite } : {}),
    samples: {
      loadMs: measurements.map((x) => x.loadMs),
      ttftMs: groups.ttftMs.flat(),
      tpotMs: groups.tpotMs.flat(),
      prefillTps: groups.prefillTps.flat(),
      decodeTps: groups.decodeTps.flat(),
      e2eMs: groups.e2eMs.flat(),
      itlMs: groups.itlMs.flat(),
      process: measurements.flatMap((x, p) => x.repetitions.map(() => p)),
    },
    outputs: {
      tokenIds: last.tokenIds,
      text: lastProcess.text,
      promptTokenIds: m.promptTokenIds,
      eosIndex: eosIndex === -1 ? null : eosIndex,
      consistent,
    },
  };
}

/**
 * A composite entry's section: the measured loops' requests of every process together, the accuracy
 * tasks' requests (the first process runs them); null for a single model.
 */
function compositeRecord(measurements: readonly WorkerMeasurement[], energy: EntryEnergy | null): EntryComposite | null {
  const info = measurements[0]?.runtime.composite;
  if (!info) return null;
  const measured = measurements.flatMap((x) => x.composite?.measured ?? []);
  const tasks = measurements[0]?.quality ? (measurements[0].composite?.quality ?? []) : null;
  return compositeSummary(info, measured, tasks, energy ? { joules: energy.joules, method: energy.method } : null);
}

/** The decode rate interval's relative width, and whether it met the configured target. */
function targetFigures(decodeTps: MeasuredStats | null, target: number | null | undefined) {
  const ci = decodeTps?.medianCi95;
  if (!ci || !decodeTps || decodeTps.median <= 0) return {};
  const width = (ci[1] - ci[0]) / decodeTps.median;
  return { ciRelativeWidth: width, ...(typeof target === 'number' ? { targetMet: width <= target } : {}) };
}

/** The record of an entry that failed or was not run. */
export function failedEntryRecord(
  entry: MatrixEntry,
  model: EntryRecord['model'],
  error: ErrorRecord,
  timing: EntryTiming,
  status: 'errored' | 'skipped' = 'errored',
): EntryRecord {
  return {
    ...base(entry, model, timing),
    status,
    backend: { id: entry.backend.id, version: null, versions: {}, options: entry.backend.options, resolvedOptions: null, device: null },
    workload: { ...entry.workload },
    error: { code: error.code, message: error.message },
  };
}

function base(entry: MatrixEntry, model: EntryRecord['model'], timing: EntryTiming) {
  return {
    id: entry.id,
    index: entry.index,
    label: entry.label,
    model,
    startedAt: timing.startedAt.toISOString(),
    endedAt: timing.endedAt.toISOString(),
    durationMs: timing.endedAt.getTime() - timing.startedAt.getTime(),
  };
}

/** Bytes per KV-cache element from what the backend resolved (llama.cpp `kvCacheType`, ONNX element type). */
function kvElementBytes(resolved: Record<string, unknown>): number {
  const type = String(resolved.kvCacheType ?? resolved.kvCacheElementType ?? 'f16').toLowerCase();
  if (type === 'float32' || type === 'float') return 4;
  if (type === 'float16') return 2;
  return KV_CACHE_TYPE_BYTES[type] ?? 2;
}

/** The energy of the measured loops of every process: joules and work summed, then divided. */
function entryEnergy(readings: readonly EnergyReading[]): EntryEnergy | null {
  const totals = readings.map((r) => r.total);
  if (totals.some((t) => t === null)) return null;
  const sum = (f: (r: EnergyReading) => number) => readings.reduce((n, r) => n + f(r), 0);
  const joules = sum((r) => r.total!.joules);
  const per = (work: number) => (work > 0 ? joules / work : null);
  const first = readings[0]!;
  return {
    joules,
    joulesPerOutputToken: per(sum((r) => r.work.outputTokens)),
    joulesPerTotalToken: per(sum((r) => r.work.totalTokens)),
    joulesPerRequest: per(sum((r) => r.work.requests)),
    kWh: sum((r) => r.total!.kWh),
    gCO2e: sum((r) => r.total!.gCO2e),
    method: first.total!.method,
    estimated: readings.some((r) => r.total!.estimated),
    providers: first.total!.providers,
    gridIntensity: first.gridIntensity,
    gridIntensityDefault: first.gridIntensityDefault,
    figures: readings.flatMap((r) => r.figures),
    unavailable: first.unavailable,
    warnings: [...new Set(readings.flatMap((r) => r.warnings))],
  };
}

function roofline(
  facts: ModelDecodeFacts,
  kv: ModelDecodeFacts['kv'] & { bytesPerElement: number },
  bandwidth: MemoryBandwidth,
  promptTokens: number,
  generatedTokens: number,
  decodeTps: number | null,
): EntryRoofline {
  const r = decodeRoofline({
    bandwidthGBps: bandwidth.readGBps,
    weightBytesPerToken: facts.weights.bytesPerToken,
    kv,
    promptTokens,
    generatedTokens,
    decodeTps,
  });
  return {
    bandwidthGBps: r.bandwidthGBps,
    bandwidthMethod: bandwidth.method,
    weightBytesPerToken: facts.weights.bytesPerToken,
    kvBytesPerToken: r.kvBytesPerToken,
    meanKvDepth: r.meanKvDepth,
    boundTps: r.boundTps,
    fraction: r.fraction,
  };
}

/**
 * A served model's facts over every worker process: the last process's, with the counters (generations,
 * retries, unattributed tokens, short outputs) summed; null for local backends.
 */
function remoteInfo(measurements: readonly WorkerMeasurement[]): RemoteModelInfo | null {
  const infos = measurements.map((x) => x.runtime.remote).filter((r): r is RemoteModelInfo => r !== undefined);
  const last = infos[infos.length - 1];
  if (!last) return null;
  const sum = (f: (r: RemoteModelInfo) => number) => infos.reduce((n, r) => n + f(r), 0);
  return {
    ...last,
    generations: sum((r) => r.generations),
    retries: sum((r) => r.retries),
    unattributedTokens: sum((r) => r.unattributedTokens),
    shortOutputs: sum((r) => r.shortOutputs),
  };
}

function mainVersion(versions: Record<string, string>): string | null {
  const first = Object.values(versions)[0];
  return first ?? null;
}
