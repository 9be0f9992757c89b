/** Turns what a worker measured (or how it failed) into the entry record kept in the results. */
import type { ErrorRecord } from '../errors.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import type { WorkerMeasurement } from '../runner/messages.js';
import { summarize, type Stats } from '../stats/summarize.js';
import { summarizeMeasured } from '../stats/summarizeMeasured.js';
import type { EnergyReading } from '../energy/EnergyTypes.js';
import type { ModelDecodeFacts } from '../roofline/modelDecodeFacts.js';
import { decodeRoofline } from '../roofline/decodeRoofline.js';
import type { MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';
import { KV_CACHE_TYPE_BYTES, kvCacheBytes } from '../trackers/kvCacheBytes.js';
import { modelResidentBytes } from '../trackers/modelResidentBytes.js';
import type { EntryEnergy, EntryModel, EntryRecord, EntryRoofline, MeasuredStats } from './EntryRecord.js';

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

/** Statistics of a per-repetition metric: the first repetition reported as cold, the rest summarised. */
export function measuredStats(samples: number[]): MeasuredStats | null {
  const summary = summarizeMeasured(samples);
  if (!summary.stats) return null;
  return {
    ...summary.stats,
    cold: summary.cold,
    medianCi95: summary.medianCi ? [summary.medianCi.low, summary.medianCi.high] : null,
    outliers: summary.outliers?.outliers.map((o) => o.index) ?? [],
  };
}

/** The record of a measured entry. */
export function okEntryRecord(
  entry: MatrixEntry,
  model: EntryModel,
  m: WorkerMeasurement,
  timing: EntryTiming,
  context: EntryContext = { facts: null, bandwidth: null },
): EntryRecord {
  const reps = m.repetitions;
  const pick = (key: 'ttftMs' | 'e2eMs' | 'prefillTps'): number[] => reps.map((r) => r[key]);
  const pickNullable = (key: 'tpotMs' | 'decodeTps'): number[] =>
    reps.map((r) => r[key]).filter((v): v is number => v !== null);
  const itl = reps.map((r) => r.itlMs);
  const required = (samples: number[], name: string): MeasuredStats => {
    const stats = measuredStats(samples);
    if (!stats) throw new Error(`no samples of ${name}`);
    return stats;
  };
  const decodeTps = measuredStats(pickNullable('decodeTps'));
  const contextTokens = m.promptTokenIds.length + entry.workload.genTokens;
  const kvBytesPerElement = kvElementBytes(m.runtime.resolvedOptions);
  const kv = context.facts ? { ...context.facts.kv, bytesPerElement: kvBytesPerElement } : null;
  const last = reps[reps.length - 1]!;
  const eosIndex = last.tokenIds.findIndex((id) => m.runtime.eosTokenIds.includes(id));
  const peakRssBytes = m.memory.vmHwmBytes ?? timing.peakRssSampledBytes ?? m.memory.rssAfterLoadBytes;
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
    },
    workload: { ...entry.workload, promptTokenCount: m.promptTokenIds.length },
    measurement: {
      warmupRuns: m.warmup.runs,
      warmupReason: m.warmup.reason,
      stopReason: m.stopReason,
      repetitions: reps.length,
      measuredSeconds: m.measuredSeconds,
      tokenHandover: m.runtime.tokenHandover,
      clock: 'performance.now() in the worker',
      eos: 'ignored',
    },
    metrics: {
      loadMs: one([m.loadMs], 'loadMs'),
      tokenizeMs: one([m.tokenizeMs], 'tokenizeMs'),
      ttftMs: required(pick('ttftMs'), 'ttftMs'),
      tpotMs: measuredStats(pickNullable('tpotMs')),
      // Gaps of the repetitions after the cold one (of the only one when there is one).
      itlMs: summarize((itl.length > 1 ? itl.slice(1) : itl).flat()),
      prefillTps: required(pick('prefillTps'), 'prefillTps'),
      decodeTps,
      e2eMs: required(pick('e2eMs'), 'e2eMs'),
      peakRssBytes,
      peakRssSampledBytes: timing.peakRssSampledBytes,
      rssAfterLoadBytes: m.memory.rssAfterLoadBytes,
      rssBeforeLoadBytes: m.memory.rssBeforeLoadBytes,
      modelResidentBytes: modelResidentBytes(m.memory),
      kvCacheBytes: kv ? kvCacheBytes(kv, contextTokens) : null,
      gpuMemoryBytes: m.memory.gpuBytes,
      modelSizeBytes: model.sizeBytes,
      energy: m.energy ? entryEnergy(m.energy) : null,
      roofline:
        kv && context.facts && context.bandwidth && entry.workload.genTokens >= 2
          ? roofline(context.facts, kv, context.bandwidth, m.promptTokenIds.length, entry.workload.genTokens, decodeTps?.median ?? null)
          : null,
      ...(m.quality ? { quality: Object.fromEntries(m.quality.filter((t) => !t.skipped).map((t) => [t.taskId, t.metrics])) } : {}),
    },
    ...(m.quality ? { quality: m.quality.map(({ metrics: _metrics, ...rest }) => rest) } : {}),
    samples: {
      loadMs: [m.loadMs],
      ttftMs: pick('ttftMs'),
      tpotMs: pickNullable('tpotMs'),
      prefillTps: pick('prefillTps'),
      decodeTps: pickNullable('decodeTps'),
      e2eMs: pick('e2eMs'),
      itlMs: itl,
    },
    outputs: {
      tokenIds: last.tokenIds,
      text: m.text,
      promptTokenIds: m.promptTokenIds,
      eosIndex: eosIndex === -1 ? null : eosIndex,
      consistent: m.outputsConsistent,
    },
  };
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

function entryEnergy(reading: EnergyReading): EntryEnergy | null {
  const total = reading.total;
  if (!total) return null;
  return {
    joules: total.joules,
    joulesPerOutputToken: total.joulesPerOutputToken,
    joulesPerTotalToken: total.joulesPerTotalToken,
    joulesPerRequest: total.joulesPerRequest,
    kWh: total.kWh,
    gCO2e: total.gCO2e,
    method: total.method,
    estimated: total.estimated,
    providers: total.providers,
    gridIntensity: reading.gridIntensity,
    gridIntensityDefault: reading.gridIntensityDefault,
    figures: reading.figures,
    unavailable: reading.unavailable,
    warnings: reading.warnings,
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

function mainVersion(versions: Record<string, string>): string | null {
  const first = Object.values(versions)[0];
  return first ?? null;
}
