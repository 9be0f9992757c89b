/**
 * Runs a plan's entries one at a time, each in as many runs of its launcher as `measure.processes` asks
 * (a forked worker process by default), and appends each record to `entries.jsonl` as it ends. Entries
 * already in the journal (a resumed sweep) are not run again, except errored ones with `retryErrored`
 * (the new record keeps the earlier errors in `attempts`). The runner owns the derived figures: the
 * decode facts of the weights file each backend loaded (from the model's format), the roofline against
 * this device's bandwidth, and the backend definition's own record sections.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { DecodeFacts } from '../../adapters/formats/DecodeFacts.js';
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import type { EnergySettings, MeasurePolicy, QualitySettings } from '../config/configSchema.js';
import { SweepInterruptedError, UnsupportedWorkloadError, type ErrorRecord } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import { failedEntryRecord, okEntryRecord } from '../metrics/buildEntryRecord.js';
import { entryEnergy } from '../metrics/entryEnergy.js';
import { modelFormats } from '../model/modelFormats.js';
import type { PreparedModel } from '../model/PreparedModel.js';
import { ENTRIES_FILE, type EntryLog } from '../result/EntryLog.js';
import type { EntryRecord } from '../result/EntryRecord.js';
import type { MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';
import type { EnergyReading } from '../trackers/energy/EnergyTypes.js';
import { launcherFor, launcherRegistry, type LauncherFactory } from './launchers/launcherRegistry.js';
import type { PhaseMessage, ScenarioSettings, WorkerMeasurement } from './messages.js';
import type { LaunchTurns } from './InterleavedTurns.js';
import type { FidelityJob } from '../fidelity/FidelityJob.js';
import type { ResolvedSlo } from '../slo/resolveSlo.js';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  entries: readonly PlannedEntry[];
  measure: MeasurePolicy;
  energy: EnergySettings;
  /** The device's CPU (for the energy estimate). */
  cpu: ScenarioSettings['cpu'];
  /** Accuracy tasks run on every entry (paths absolute); null for none. */
  quality: QualitySettings | null;
  /** Folder for per-sample logs (`<entry id>.jsonl`); null for none. */
  samplesDir: string | null;
  /** This device's memory bandwidth, for the decode roofline; null for none. */
  bandwidth: MemoryBandwidth | null;
  log: EntryLog;
  /** The sweep's output folder (named when it is interrupted). */
  outDir: string;
  /** Run the entries the journal holds as errored again; each new record keeps the earlier errors in `attempts`. Default: false. */
  retryErrored?: boolean;
  /** The records already in the journal (as `log.recover()` returned them). Default: read from `log`. */
  recorded?: readonly EntryRecord[];
  /** The backends of the entries. Default: the built-in registry. */
  registry?: readonly BackendDefinition[];
  /** Launchers by id. Default: the built-in ones. */
  launchers?: ReadonlyMap<string, LauncherFactory>;
  /** Stops the sweep: the running entry is killed and not recorded, and runSweep throws SweepInterruptedError. */
  signal?: AbortSignal;
  /** Progress. Default: none. */
  events?: SweepEvents;
  /** Turns to take before each worker launch, shared with sweeps running beside this one (an A/B gate). Default: none. */
  turns?: LaunchTurns;
  /** The latency budget each entry is judged against (`metrics.slo`). Default: none. */
  slo?: ResolvedSlo | null;
  /** Each entry's fidelity job (`makeFidelityReferences`), run by its first process. Default: none. */
  fidelity?: ReadonlyMap<string, FidelityJob>;
}

/** What the sweep tells its caller about each entry (every hook optional). */
export interface SweepEvents {
  /** Before an entry runs. */
  onEntryStart?(entry: PlannedEntry): void;
  /** The scenario's phases. */
  onPhase?(entry: PlannedEntry, phase: PhaseMessage): void;
  /** The processes doing an entry's work, as they become known. */
  onProcesses?(entry: PlannedEntry, pids: readonly number[]): void;
  /** An entry's record is written. */
  onEntryEnd?(record: EntryRecord): void;
}

/** Runs every entry not yet in the log; returns all records in plan order. */
export async function runSweep(options: SweepOptions): Promise<EntryRecord[]> {
  const registry = options.registry ?? backendRegistry;
  const events = options.events ?? {};
  const done = new Map((options.recorded ?? options.log.read()).map((record) => [record.id, record]));
  const facts = decodeFactsCache(registry);
  for (const entry of options.entries) {
    const earlier = done.get(entry.id);
    if (earlier && isFinished(earlier, options.retryErrored ?? false)) continue;
    if (options.signal?.aborted) throw interrupted(options.outDir, options.signal.reason);
    const definition = registry.find((d) => d.id === entry.backend.id)!;
    const launcher = launcherFor(definition, registry, options.launchers ?? launcherRegistry);
    events.onEntryStart?.(entry);
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
      const settings: ScenarioSettings = {
        measure: perProcess,
        energy: options.energy,
        cpu: options.cpu,
        // Accuracy is deterministic: the first process runs the tasks.
        quality: p === 0 ? options.quality : null,
        samplesFile: p === 0 && options.samplesDir ? join(options.samplesDir, `${entry.id}.jsonl`) : null,
        fidelity: p === 0 ? (options.fidelity?.get(entry.id) ?? null) : null,
      };
      const release = options.turns ? await options.turns.take(entry.id, p) : null;
      if (options.signal?.aborted) {
        // Stopped while waiting for the turn (the other side of an A/B gate failed, or Ctrl-C).
        release?.();
        throw interrupted(options.outDir, options.signal.reason);
      }
      let outcome;
      try {
        outcome = await launcher.launch(
          { entry, settings, timeoutSeconds: options.measure.timeoutSeconds, sampleIntervalMs: options.measure.memorySampleMs },
          { onPhase: (phase) => events.onPhase?.(entry, phase), onProcesses: (pids) => events.onProcesses?.(entry, pids) },
          options.signal,
        );
      } finally {
        release?.();
      }
      if (!outcome.ok && outcome.interrupted) throw interrupted(options.outDir, options.signal?.reason);
      if (outcome.peakRssSampledBytes !== null) peakRssSampledBytes = Math.max(peakRssSampledBytes ?? 0, outcome.peakRssSampledBytes);
      if (outcome.ok) measurements.push(outcome.measurement);
      else failure = processes > 1 ? { ...outcome.error, message: `process ${p + 1} of ${processes}: ${outcome.error.message}` } : outcome.error;
    }
    const timing = { startedAt, endedAt: new Date(), peakRssSampledBytes };
    let record: EntryRecord;
    if (!failure && measurements.length) {
      const energy = entryEnergy(measurements.map((x) => x.energy).filter((e): e is EnergyReading => e !== null));
      const description = await definition.describeEntry?.({
        processes: measurements.map((x) => ({ info: x.runtime, phases: x.phases })),
        energy: energy ? { joules: energy.joules, method: energy.method } : null,
      });
      record = okEntryRecord(
        entry,
        measurements,
        timing,
        {
          facts: await facts(entry.model, measurements[0]!.runtime.weightsFile),
          bandwidth: options.bandwidth,
          energy,
          launcher: { id: launcher.id, clock: launcher.clock },
          ...(description ? { description } : {}),
          slo: options.slo ?? null,
        },
        options.measure.targetCiWidth,
      );
      const warnings = entryTraps(definition, entry, measurements[0]!, options.cpu?.physicalCores);
      if (warnings.length) record = { ...record, warnings };
    } else {
      const error = failure ?? { code: 'INTERNAL', message: 'no measurement' };
      record = failedEntryRecord(entry, error, timing, error.code === UnsupportedWorkloadError.CODE ? 'skipped' : 'errored');
    }
    if (earlier?.error) {
      const attempt = { status: earlier.status as 'errored', startedAt: earlier.startedAt, endedAt: earlier.endedAt, error: earlier.error };
      record = { ...record, attempts: [...(earlier.attempts ?? []), attempt] };
    }
    options.log.append(record);
    done.set(record.id, record);
    events.onEntryEnd?.(record);
  }
  return options.entries.map((entry) => done.get(entry.id)).filter((r): r is EntryRecord => r !== undefined);
}

/** The known traps the entry's resolved settings fall into on this machine, each with the line the run prints. */
function entryTraps(definition: BackendDefinition, entry: PlannedEntry, measurement: WorkerMeasurement, physicalCores: number | undefined) {
  const logicalCores = cpus().length || 1;
  const traps = definition.traps?.({
    options: entry.backend.options,
    resolvedOptions: measurement.runtime.resolvedOptions,
    device: measurement.runtime.device,
    logicalCores,
    physicalCores: physicalCores ?? logicalCores,
  }) ?? [];
  return traps.map((t) => ({ ...t, message: `${t.setting} ${JSON.stringify(t.value)}: ${t.cost}; set ${t.fix}, or let \`slmbench tune\` measure the settings here` }));
}

/** Whether a journal's record ends its entry: every record does, but an errored one when errored entries are retried. */
export function isFinished(record: EntryRecord, retryErrored: boolean): boolean {
  return !(retryErrored && record.status === 'errored');
}

function interrupted(outDir: string, reason: unknown): SweepInterruptedError {
  return new SweepInterruptedError(
    `interrupted${typeof reason === 'string' ? ` by ${reason}` : ''}; finished entries are in ${join(outDir, ENTRIES_FILE)}; continue with --resume --out ${outDir}`,
    outDir,
  );
}

/**
 * Decode facts of the weights file a backend loaded, from the model's format (`decodeFacts`), computed once
 * per model and file; null for a format that has none (a served or a composite model) or a file that
 * does not say.
 */
function decodeFactsCache(registry: readonly BackendDefinition[]) {
  const formats = modelFormats(registry);
  const cache = new Map<string, Promise<DecodeFacts | null>>();
  return (model: PreparedModel, weightsFile: string | null): Promise<DecodeFacts | null> => {
    const format = formats.find((f) => f.id === model.format);
    if (!format?.decodeFacts) return Promise.resolve(null);
    const key = `${model.path}\0${weightsFile ?? ''}`;
    if (!cache.has(key)) cache.set(key, format.decodeFacts(model.path, weightsFile).catch(() => null));
    return cache.get(key)!;
  };
}
