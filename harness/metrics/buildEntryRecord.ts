/**
 * Turns what an entry's worker processes measured (or how they failed) into the entry record kept in the
 * results: statistics over processes and repetitions, memory, energy, the KV cache and the decode
 * roofline, with what the backend's definition adds of its own (`BackendDefinition.describeEntry`).
 */
import type { DecodeFacts } from '../../adapters/formats/DecodeFacts.js';
import type { EntryDescription } from '../../adapters/types.js';
import type { ErrorRecord } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import type { EntryConcurrency, EntryEnergy, EntryMetrics, EntryRecord, FailedEntryRecord, MeasuredStats, OkEntryRecord } from '../result/EntryRecord.js';
import type { MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';
import type { WorkerMeasurement } from '../runner/messages.js';
import { measuredStats } from '../stats/measuredStats.js';
import { summarize, type Stats } from '../stats/summarize.js';
import type { RepetitionSample } from '../trackers/latencySample.js';
import { entryRoofline } from './entryRoofline.js';
import { kvCacheBytes } from './kvCacheBytes.js';
import { modelResidentBytes } from './modelResidentBytes.js';
import type { ResolvedSlo } from '../slo/resolveSlo.js';
import { sloAttainment } from '../slo/sloAttainment.js';
import { sloMisses } from '../slo/sloMisses.js';

/** Timing of an entry's workers. */
export interface EntryTiming {
  startedAt: Date;
  endedAt: Date;
  /** Highest RSS the launcher's sampler saw (bytes), or null. */
  peakRssSampledBytes: number | null;
}

/** What the runner knows beyond the workers' measurements, for the derived figures. */
export interface EntryContext {
  /** Decode facts of the weights file the backend loaded (weights read per token, KV shape); null when unknown. */
  facts: DecodeFacts | null;
  /** This device's memory bandwidth; null when not probed. */
  bandwidth: MemoryBandwidth | null;
  /** The measured loops' energy over every process ({@link entryEnergy}); null when not metered. */
  energy: EntryEnergy | null;
  /** What the backend's definition adds to the record. Default: nothing. */
  description?: EntryDescription;
  /** The launcher that ran the entry's processes, and its clock. Default: the process launcher's. */
  launcher?: { id: string; clock: string };
  /** The run's latency budget, judged on the measured repetitions (`metrics.slo`). Default: none. */
  slo?: ResolvedSlo | null;
}

const one = (samples: number[], name: string): Stats => {
  const stats = summarize(samples);
  if (!stats) throw new Error(`no samples of ${name}`);
  return stats;
};

/** The record of a measured entry, from the measurements of its worker processes (one or more). */
export function okEntryRecord(
  entry: PlannedEntry,
  measurements: readonly WorkerMeasurement[],
  timing: EntryTiming,
  context: EntryContext,
  targetCiWidth?: number | null,
): OkEntryRecord {
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
  // The KV element size is the backend's own statement (`RuntimeModelInfo.kvBytesPerElement`).
  const kvBytesPerElement = m.runtime.kvBytesPerElement;
  const facts = kvBytesPerElement !== null ? context.facts : null;
  // The last repetition's first request, whose prompt `promptTokenIds` is (a concurrent round's request 0).
  const last = lastProcess.repetitions[lastProcess.repetitions.length - (entry.workload.concurrency ?? 1)]!;
  const eosIndex = last.tokenIds.findIndex((id) => m.runtime.eosTokenIds.includes(id));
  const maxOf = (values: (number | null)[]): number | null => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? Math.max(...known) : null;
  };
  const peakRssBytes = maxOf(measurements.map((x) => x.memory.vmHwmBytes)) ?? timing.peakRssSampledBytes ?? m.memory.rssAfterLoadBytes;
  const reference = m.repetitions[0]?.tokenIds.join(',');
  const consistent = measurements.every((x) => x.outputsConsistent && x.repetitions[0]?.tokenIds.join(',') === reference);
  const energy = context.energy;
  const notMeasured = m.runtime.notMeasured && Object.keys(m.runtime.notMeasured).length ? m.runtime.notMeasured : null;
  const description = context.description ?? {};
  const depth = entry.workload.depth ?? 0;
  const loadPhases = phaseStats(measurements.map((x) => x.runtime.loadPhasesMs));
  const cachedRuns = measurements.flatMap((x) => (x.cachedTtft && 'ttftMs' in x.cachedTtft ? [x.cachedTtft] : []));
  const cachedSkipped = measurements.map((x) => x.cachedTtft).find((c) => c !== undefined && 'notMeasured' in c);
  const depthFills = measurements.flatMap((x) => (x.depth ? [x.depth.fillMs] : []));
  const concurrency = concurrencyFigures(entry, measurements, context.slo ?? null);
  const metrics: EntryMetrics = {
    loadMs: one(measurements.map((x) => x.loadMs), 'loadMs'),
    tokenizeMs: one(measurements.map((x) => x.tokenizeMs), 'tokenizeMs'),
    ...(loadPhases ? { loadPhasesMs: loadPhases } : {}),
    ttftMs: required(groups.ttftMs, 'ttftMs'),
    coldTtftMs: one(measurements.map((x) => x.firstRequest.ttftMs), 'coldTtftMs'),
    ...(cachedRuns.length ? { cachedTtftMs: measuredStats(cachedRuns.map((c) => c.ttftMs))! } : {}),
    tpotMs: measuredStats(groups.tpotMs),
    // Gaps of the repetitions after each process's cold one (of the only one when a process has one).
    itlMs: summarize(groups.itlMs.flatMap((g) => (g.length > 1 ? g.slice(1) : g)).flat()),
    prefillTps: required(groups.prefillTps, 'prefillTps'),
    decodeTps,
    e2eMs: required(groups.e2eMs, 'e2eMs'),
    outputTps: required(
      // A round's rate over all its requests; a single request's tokens over its end-to-end time.
      measurements.map((x) => x.rounds?.outputTps ?? x.repetitions.map((r) => (r.e2eMs > 0 ? (r.tokenIds.length / r.e2eMs) * 1000 : 0))),
      'outputTps',
    ),
    peakRssBytes,
    peakRssSampledBytes: timing.peakRssSampledBytes,
    rssAfterLoadBytes: m.memory.rssAfterLoadBytes,
    rssBeforeLoadBytes: m.memory.rssBeforeLoadBytes,
    modelResidentBytes: modelResidentBytes(m.memory),
    kvCacheBytes: facts ? kvCacheBytes({ ...facts.kv, bytesPerElement: kvBytesPerElement! }, contextTokens) : null,
    gpuMemoryBytes: maxOf(measurements.map((x) => x.memory.gpuBytes)),
    modelSizeBytes: entry.model.sizeBytes,
    energy,
    ...(notMeasured ? { notMeasured } : {}),
    ...(context.slo
      ? {
          slo: sloAttainment(
            context.slo.preset,
            context.slo.bounds,
            context.slo.target,
            // The measured repetitions after each process's cold first one, as the statistics count them.
            measurements.flatMap((x) => (x.repetitions.length > 1 ? x.repetitions.slice(1) : x.repetitions)),
          ),
        }
      : {}),
    ...(concurrency ? { concurrency } : {}),
    // A local engine: every request stays here (a served model's or a composite's description says otherwise).
    privacy: { dataLeavesDevice: 0, promptTokensLeaveDevice: 0, method: 'local: answered by a process on this device' },
    ...(description.metrics as Partial<EntryMetrics> | undefined),
    roofline:
      facts && context.bandwidth && entry.workload.genTokens >= 2
        ? entryRoofline(facts, kvBytesPerElement!, context.bandwidth, m.promptTokenIds.length, entry.workload.genTokens, decodeTps?.median ?? null)
        : null,
    ...(m.quality ? { quality: Object.fromEntries(m.quality.filter((t) => !t.skipped).map((t) => [t.taskId, t.metrics])) } : {}),
    ...(m.fidelity?.role === 'compare' ? { fidelity: m.fidelity.fidelity } : {}),
  };
  return {
    ...base(entry, timing),
    status: 'ok',
    backend: {
      id: entry.backend.id,
      version: mainVersion(m.versions),
      versions: m.versions,
      options: entry.backend.options,
      resolvedOptions: m.runtime.resolvedOptions,
      device: m.runtime.device,
      ...description.backend,
    },
    workload: { ...entry.workload, promptTokenCount: m.promptTokenIds.length - depth },
    measurement: {
      processes: measurements.length,
      warmupRuns: m.warmup.runs,
      warmupSeconds: m.warmup.seconds,
      warmupReason: m.warmup.reason,
      stopReason: m.stopReason,
      repetitions: measurements.reduce((n, x) => n + x.repetitions.length, 0),
      measuredSeconds: measurements.reduce((n, x) => n + x.measuredSeconds, 0),
      tokenHandover: m.runtime.tokenHandover,
      firstHandoverTokens: Math.max(1, ...measurements.flatMap((x) => x.repetitions.map((r) => r.firstHandoverTokens))),
      launcher: context.launcher?.id ?? 'process',
      clock: context.launcher?.clock ?? 'performance.now() in the worker',
      eos: 'ignored',
      intervals:
        measurements.length > 1
          ? 'two-stage bootstrap over processes and repetitions, widened for few processes'
          : 'bootstrap over the repetitions of one process',
      ...targetFigures(decodeTps, targetCiWidth),
      ...(concurrency ? { concurrency: BATCHING_TEXT[concurrency.batching](entry.backend.id, concurrency.requests) } : {}),
      ...(depth > 0 && depthFills.length ? { depth: { tokens: depth, fillMs: summarize(depthFills)!.median } } : {}),
      ...(cachedRuns.length
        ? { cachedTtft: { prefixTokens: cachedRuns[0]!.prefixTokens, runs: cachedRuns[0]!.ttftMs.length, firstTokenMatches: cachedRuns.every((c) => c.firstTokenMatches) } }
        : cachedSkipped
          ? { cachedTtft: cachedSkipped }
          : {}),
    },
    metrics,
    ...(m.quality ? { quality: m.quality.map(({ metrics: _metrics, ...rest }) => rest) } : {}),
    ...(m.oracle ? { oracle: m.oracle } : {}),
    ...(m.fidelity?.role === 'skipped' ? { fidelitySkipped: m.fidelity.reason } : {}),
    ...(description.record as Partial<OkEntryRecord> | undefined),
    samples: {
      loadMs: measurements.map((x) => x.loadMs),
      ttftMs: groups.ttftMs.flat(),
      tpotMs: groups.tpotMs.flat(),
      prefillTps: groups.prefillTps.flat(),
      decodeTps: groups.decodeTps.flat(),
      e2eMs: groups.e2eMs.flat(),
      itlMs: groups.itlMs.flat(),
      process: measurements.flatMap((x, p) => x.repetitions.map(() => p)),
      ...(cachedRuns.length ? { cachedTtftMs: cachedRuns.map((c) => c.ttftMs) } : {}),
      ...(concurrency
        ? { rounds: { outputTps: measurements.map((x) => x.rounds!.outputTps), spanMs: measurements.map((x) => x.rounds!.spanMs), batchSizes: measurements.map((x) => x.rounds!.batchSizes) } }
        : {}),
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

/** What `measurement.concurrency` says of how a round's requests shared the model. */
const BATCHING_TEXT: Record<EntryConcurrency['batching'], (backend: string, requests: number) => string> = {
  continuous: (backend, n) => `continuous batching: ${n} requests per round on one model (${backend}), each joining the running batch when it arrives`,
  static: (backend, n) => `static batching: ${n} requests per round on one model (${backend}), a batch formed when its window closes, later arrivals waiting for the next`,
  sequential: (backend, n) => `sequential: backend ${backend} cannot batch, so the ${n} requests of each round ran one after another in arrival order`,
};

/** `metrics.concurrency` from the processes' rounds; null for single requests. */
function concurrencyFigures(entry: PlannedEntry, measurements: readonly WorkerMeasurement[], slo: ResolvedSlo | null): EntryConcurrency | null {
  const first = measurements[0]!.rounds;
  if (!first) return null;
  const sizes = measurements.flatMap((x) => x.rounds!.batchSizes.flat());
  let goodputRps: number | null = null;
  if (slo) {
    let within = 0;
    let spanMs = 0;
    for (const x of measurements) {
      const n = x.rounds!.requests;
      const rounds = x.rounds!.spanMs.length;
      const from = rounds > 1 ? 1 : 0;
      for (let r = from; r < rounds; r++) {
        spanMs += x.rounds!.spanMs[r]!;
        within += x.repetitions.slice(r * n, (r + 1) * n).filter((rep) => sloMisses(slo.bounds, rep).length === 0).length;
      }
    }
    goodputRps = spanMs > 0 ? (within / spanMs) * 1000 : 0;
  }
  return {
    requests: first.requests,
    arrival: entry.workload.arrival ?? 'burst',
    batchWindowMs: entry.workload.batchWindowMs ?? 5,
    batching: first.batching,
    meanBatchSize: sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : first.requests,
    goodputRps,
  };
}

/** Per load phase, its statistics over the processes (one value each); null when the backend splits no load. */
function phaseStats(perProcess: ReadonlyArray<Record<string, number> | undefined>): Record<string, Stats> | null {
  const names = [...new Set(perProcess.flatMap((p) => Object.keys(p ?? {})))];
  if (names.length === 0) return null;
  return Object.fromEntries(names.flatMap((name) => {
    const stats = summarize(perProcess.flatMap((p) => (p?.[name] === undefined ? [] : [p[name]!])));
    return stats ? [[name, stats] as const] : [];
  }));
}

/** The decode rate interval's relative width, and whether it met the configured target. */
function targetFigures(decodeTps: MeasuredStats | null, target: number | null | undefined) {
  const ci = decodeTps?.medianCi95;
  if (!ci || !decodeTps || decodeTps.median <= 0) return {};
  const width = (ci[1] - ci[0]) / decodeTps.median;
  return { ciRelativeWidth: width, ...(typeof target === 'number' ? { targetMet: width <= target } : {}) };
}

/** The entry fields a failed record keeps: identity, the model as far as it is known, the backend's options, the workload. */
export type FailedEntryInput = Pick<PlannedEntry, 'id' | 'index' | 'label' | 'workload'> & {
  model: FailedEntryRecord['model'];
  backend: PlannedEntry['backend'];
};

/** The record of an entry that failed or was not run. */
export function failedEntryRecord(entry: FailedEntryInput, error: ErrorRecord, timing: EntryTiming, status: 'errored' | 'skipped' = 'errored'): FailedEntryRecord {
  return {
    ...base(entry, timing),
    status,
    backend: { id: entry.backend.id, version: null, versions: {}, options: entry.backend.options, resolvedOptions: null, device: null },
    workload: { ...entry.workload },
    error: { code: error.code, message: error.message },
  };
}

/** Narrows a record to an ok one (an ok entry always has its statistics). */
export function isOk(record: EntryRecord): record is OkEntryRecord {
  return record.status === 'ok';
}

function base<M>(entry: Pick<PlannedEntry, 'id' | 'index' | 'label'> & { model: M }, timing: EntryTiming) {
  return {
    id: entry.id,
    index: entry.index,
    label: entry.label,
    model: entry.model,
    startedAt: timing.startedAt.toISOString(),
    endedAt: timing.endedAt.toISOString(),
    durationMs: timing.endedAt.getTime() - timing.startedAt.getTime(),
  };
}

function mainVersion(versions: Record<string, string>): string | null {
  const first = Object.values(versions)[0];
  return first ?? null;
}
