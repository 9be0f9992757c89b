/**
 * Runs the matrix one entry at a time, each in its own worker process, appending each record to
 * `entries.jsonl` as it ends. Entries already in the log (a resumed sweep) are not run again.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EnergySettings, MeasurePolicy, QualitySettings } from '../config/configSchema.js';
import type { MatrixEntry } from '../matrix/MatrixEntry.js';
import type { EntryLog } from '../result/EntryLog.js';
import type { EntryModel, EntryRecord } from '../result/EntryRecord.js';
import { failedEntryRecord, okEntryRecord, type EntryContext } from '../result/buildEntryRecord.js';
import type { ErrorRecord } from '../errors.js';
import type { PhaseMessage, RunMessage, WorkerMeasurement } from './messages.js';
import { runEntryInWorker } from './runEntryInWorker.js';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  entries: readonly MatrixEntry[];
  measure: MeasurePolicy;
  energy: EnergySettings;
  /** The device's CPU (for the energy estimate). */
  cpu: RunMessage['cpu'];
  /** Accuracy tasks run on every entry (paths absolute); null for none. */
  quality: QualitySettings | null;
  /** Folder for per-sample logs (`<entry id>.jsonl`); null for none. */
  samplesDir: string | null;
  /** Derived-figure context of a measured entry (model decode facts, bandwidth), given what the backend loaded. Default: none. */
  context?: (entry: MatrixEntry, resolvedOptions: Record<string, unknown>) => Promise<EntryContext>;
  log: EntryLog;
  /** Model records by absolute path (inspected once before the sweep). */
  models: ReadonlyMap<string, EntryModel>;
  /** Called before an entry runs. */
  onEntryStart?: (entry: MatrixEntry) => void;
  /** Called with the worker's phase messages. */
  onPhase?: (entry: MatrixEntry, phase: PhaseMessage) => void;
  /** Called when an entry's record is written. */
  onEntryEnd?: (record: EntryRecord) => void;
  /** Called with each worker process (the CLI kills it on Ctrl-C). */
  onSpawn?: (entry: MatrixEntry, child: ChildProcess) => void;
  /**
   * Says why an entry is not run (e.g. a backend that cannot read the model's format): it is recorded as
   * `skipped` with that reason. Default: every entry runs.
   */
  skipReason?: (entry: MatrixEntry, model: EntryModel) => string | undefined;
  /** Worker entry point (tests). Default: the compiled worker. */
  workerPath?: string;
}

/** Runs every entry not yet in the log; returns all records in matrix order. */
export async function runSweep(options: SweepOptions): Promise<EntryRecord[]> {
  const done = new Map(options.log.read().map((record) => [record.id, record]));
  for (const entry of options.entries) {
    if (done.has(entry.id)) continue;
    const model = options.models.get(entry.model.path);
    const reason = model ? options.skipReason?.(entry, model) : undefined;
    if (reason) {
      const now = new Date();
      const record = failedEntryRecord(entry, model!, { code: 'FORMAT_UNSUPPORTED', message: reason }, { startedAt: now, endedAt: now, peakRssSampledBytes: null }, 'skipped');
      options.log.append(record);
      done.set(record.id, record);
      options.onEntryEnd?.(record);
      continue;
    }
    options.onEntryStart?.(entry);
    const startedAt = new Date();
    const processes = Math.max(1, options.measure.processes ?? 1);
    const measurements: WorkerMeasurement[] = [];
    let failure: ErrorRecord | null = null;
    let peakRssSampledBytes: number | null = null;
    // The entry's time budget is shared out among its processes; counts and the target apply to each.
    const perProcess = {
      ...options.measure,
      minSeconds: options.measure.minSeconds / processes,
      maxSeconds: options.measure.maxSeconds / processes,
    };
    for (let p = 0; p < processes && !failure; p++) {
      const settings = {
        measure: perProcess,
        energy: options.energy,
        cpu: options.cpu,
        // Accuracy is deterministic: the first process runs the tasks.
        quality: p === 0 ? options.quality : null,
        samplesFile: p === 0 && options.samplesDir ? join(options.samplesDir, `${entry.id}.jsonl`) : null,
      };
      const outcome = await runEntryInWorker(entry, settings, {
        onPhase: (phase) => options.onPhase?.(entry, phase),
        onSpawn: (child) => options.onSpawn?.(entry, child),
        workerPath: options.workerPath,
        sampleIntervalMs: options.measure.memorySampleMs,
      });
      if (outcome.peakRssSampledBytes !== null) peakRssSampledBytes = Math.max(peakRssSampledBytes ?? 0, outcome.peakRssSampledBytes);
      if (outcome.ok) measurements.push(outcome.measurement);
      else failure = processes > 1 ? { ...outcome.error, message: `process ${p + 1} of ${processes}: ${outcome.error.message}` } : outcome.error;
    }
    const timing = { startedAt, endedAt: new Date(), peakRssSampledBytes };
    const modelRecord = model ?? { spec: entry.model.spec, path: entry.model.path, name: entry.model.name };
    let record: EntryRecord;
    if (!failure && model && measurements.length) {
      const context = await options.context?.(entry, measurements[0]!.runtime.resolvedOptions);
      record = okEntryRecord(entry, model, measurements, timing, context, options.measure.targetCiWidth);
    } else {
      record = failedEntryRecord(entry, modelRecord, failure ?? { code: 'INTERNAL', message: 'model record missing' }, timing);
    }
    options.log.append(record);
    done.set(record.id, record);
    options.onEntryEnd?.(record);
  }
  return options.entries.map((entry) => done.get(entry.id)).filter((r): r is EntryRecord => r !== undefined);
}
