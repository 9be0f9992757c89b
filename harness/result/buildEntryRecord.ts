/** Turns what a worker measured (or how it failed) into the entry record kept in the results. */
import type { ErrorRecord } from '../errors.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import type { WorkerMeasurement } from '../runner/messages.js';
import { summarize, type Stats } from '../stats/summarize.js';
import type { EntryModel, EntryRecord } from './EntryRecord.js';

/** Timing of an entry's worker. */
export interface EntryTiming {
  startedAt: Date;
  endedAt: Date;
  /** Highest RSS the runner's sampler saw (bytes), or null. */
  peakRssSampledBytes: number | null;
}

const required = (samples: number[], name: string): Stats => {
  const stats = summarize(samples);
  if (!stats) throw new Error(`no samples of ${name}`);
  return stats;
};

/** The record of a measured entry. */
export function okEntryRecord(
  entry: MatrixEntry,
  model: EntryModel,
  m: WorkerMeasurement,
  timing: EntryTiming,
): EntryRecord {
  const reps = m.repetitions;
  const pick = (key: 'ttftMs' | 'e2eMs' | 'prefillTps'): number[] => reps.map((r) => r[key]);
  const pickNullable = (key: 'tpotMs' | 'decodeTps'): number[] =>
    reps.map((r) => r[key]).filter((v): v is number => v !== null);
  const itl = reps.map((r) => r.itlMs);
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
      warmupRuns: m.warmupRuns,
      repetitions: reps.length,
      measuredSeconds: m.measuredSeconds,
      tokenHandover: m.runtime.tokenHandover,
      clock: 'performance.now() in the worker',
      eos: 'ignored',
    },
    metrics: {
      loadMs: required([m.loadMs], 'loadMs'),
      tokenizeMs: required([m.tokenizeMs], 'tokenizeMs'),
      ttftMs: required(pick('ttftMs'), 'ttftMs'),
      tpotMs: summarize(pickNullable('tpotMs')),
      itlMs: summarize(itl.flat()),
      prefillTps: required(pick('prefillTps'), 'prefillTps'),
      decodeTps: summarize(pickNullable('decodeTps')),
      e2eMs: required(pick('e2eMs'), 'e2eMs'),
      peakRssBytes,
      peakRssSampledBytes: timing.peakRssSampledBytes,
      rssAfterLoadBytes: m.memory.rssAfterLoadBytes,
      rssBeforeLoadBytes: m.memory.rssBeforeLoadBytes,
      modelSizeBytes: model.sizeBytes,
    },
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

function mainVersion(versions: Record<string, string>): string | null {
  const first = Object.values(versions)[0];
  return first ?? null;
}
