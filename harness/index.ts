/**
 * slmbench as a library (`import … from 'slmbench'`): run a sweep from TypeScript and read its result,
 * typed. The command line is a thin layer over these calls.
 *
 * ```ts
 * import { parseConfig, runPlan } from 'slmbench';
 * const config = parseConfig({ sweep: { models: ['forge:tiny/F32'], backends: [{ id: 'llama-cpp', threads: 1 }] } });
 * const { result } = await runPlan(config, { out: 'out/tiny' });
 * for (const entry of result.entries) if (entry.status === 'ok') console.log(entry.label, entry.metrics.decodeTps?.median);
 * ```
 */

// Configs: parse once, then plan and run.
export { parseConfig, readConfigFile } from './config/parseConfig.js';
export type { EnergySettings, MeasurePolicy, QualitySettings, SweepConfig, WorkloadSpec } from './config/configSchema.js';
export { planSweep, type PlanOptions, type SweepPlan } from './runner/planSweep.js';
export { resumeSweep, runPlan, type ResumeOptions, type RunEvents, type RunOutcome, type RunPlanOptions } from './runner/runPlan.js';
export { RESUME_ADJUSTABLE } from './runner/reconcileResume.js';
export { EntryLog, ENTRIES_FILE } from './result/EntryLog.js';
export { LOCK_FILE, OutputLock, type LockOwner } from './result/OutputLock.js';
export { measureEntry, type ScenarioHooks } from './runner/measureEntry.js';
export type { ScenarioSettings, WorkerMeasurement } from './runner/messages.js';
export type { Launcher, LaunchHooks, LaunchOutcome, LaunchRequest } from './runner/launchers/Launcher.js';
export { launcherRegistry, type LauncherFactory } from './runner/launchers/launcherRegistry.js';
export { inProcessLauncher } from './runner/launchers/inProcessLauncher.js';
export { processLauncher } from './runner/launchers/processLauncher.js';
export type { MatrixEntry, Workload } from './matrix/MatrixEntry.js';
export type { PlannedEntry } from './matrix/PlannedEntry.js';

// Models: what slmbench knows of a file before any backend loads it.
export { detectModelFormat } from './model/detectModelFormat.js';
export { inspectModel } from './model/inspectModel.js';
export { prepareModels } from './model/prepareModels.js';
export type { ModelRef, PreparedModel } from './model/PreparedModel.js';
export type { ModelRecord } from '../adapters/formats/ModelRecord.js';

// Backends: the registry and the contract a new backend implements.
export { backendRegistry } from '../adapters/registry.js';
export type {
  Adapter,
  AdapterCapabilities,
  BackendDefinition,
  DecodeSession,
  EntryDescription,
  EntryDescriptionInput,
  GenerateRequest,
  LoadedModel,
  LoadHints,
  ModelFormatDefinition,
  ModelPathProbe,
  ModelSource,
  RuntimeModelInfo,
  ScoreResult,
  TokenEvent,
  WorkPhase,
} from '../adapters/types.js';

// Results: read, rank, compare, gate, merge, report.
export { readResultFile, checkResult } from './result/readResultFile.js';
export type { AnyRunResult, LoadedResult } from './result/AnyRunResult.js';
export type { RunResult, UnpairedPair } from './result/RunResult.js';
export type {
  EntryAttempt,
  EntryEnergy,
  EntryMetrics,
  EntryModel,
  EntryRecord,
  EntryRoofline,
  EntrySamples,
  FailedEntryRecord,
  MeasuredStats,
  OkEntryRecord,
  QualityMetric,
} from './result/EntryRecord.js';
export type { EntryComposite } from './result/EntryComposite.js';
export { describeMetric, type MetricDescription } from './result/describeMetric.js';
export { attachRanking, type RankedRunResult } from './ranking/attachRanking.js';
export { rankEntries, type RankingOptions } from './ranking/rankEntries.js';
export type { Objective } from './ranking/Objective.js';
export { compareResults } from './compare/compareResults.js';
export { evaluateGate, type GateOptions } from './gate/evaluateGate.js';
export type { GateInterleaving, GateReport } from './gate/GateReport.js';
export { runInterleaved, type InterleavedOutcome, type InterleavedRunOptions, type InterleavedSide } from './gate/runInterleaved.js';
export { summarizeCalibration, type GateCalibration } from './gate/summarizeCalibration.js';
export { bootstrapRatioOfProcessMedians, type ProcessRatioInterval } from './stats/bootstrapRatioOfProcessMedians.js';
export { mergeResults } from './merge/mergeResults.js';
export { buildReportModel, type ReportModel } from '../reports/buildReportModel.js';
export { renderHtmlReport } from '../reports/html/renderHtmlReport.js';
export { renderMarkdownReport } from '../reports/markdown/renderMarkdownReport.js';
export { renderCsvReport } from '../reports/csv/renderCsvReport.js';

// Errors: every failure a call can report, with a stable code.
export * from './errors.js';
