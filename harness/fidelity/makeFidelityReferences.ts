/**
 * Makes the sweep's fidelity references before its entries run: a reference whose file exists (an earlier
 * sweep made it) is read and reused; any other runs once in its own worker, through its backend's
 * launcher, with one repetition and no warmup (nothing of that run is recorded but the file). Returns each
 * entry's fidelity job. A reference that cannot be made does not stop the sweep: its entries run and
 * record why they have no fidelity figures.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BackendDefinition } from '../../adapters/types.js';
import type { EnergySettings, MeasurePolicy } from '../config/configSchema.js';
import { launcherFor, launcherRegistry, type LauncherFactory } from '../runner/launchers/launcherRegistry.js';
import type { ScenarioSettings } from '../runner/messages.js';
import { makeDir } from '../util/makeDir.js';
import { readFidelityReference } from './fidelityReferenceFile.js';
import type { FidelityJob } from './FidelityJob.js';
import type { FidelityPlan, PlannedReference } from './planFidelity.js';

/** A reference as the sweep got it. */
export interface MadeReference {
  label: string;
  file: string;
  /** sha256 of the file; null when it could not be made. */
  sha256: string | null;
  /** True when an earlier sweep's file was used. */
  reused: boolean;
  /** Why it could not be made. */
  error?: string;
}

export interface MakeReferencesOptions {
  registry: readonly BackendDefinition[];
  launchers?: ReadonlyMap<string, LauncherFactory> | undefined;
  measure: MeasurePolicy;
  energy: EnergySettings;
  cpu: ScenarioSettings['cpu'];
  signal?: AbortSignal | undefined;
  /** Told as each reference is made or reused. */
  onReference?(made: MadeReference): void;
}

export async function makeFidelityReferences(plan: FidelityPlan, options: MakeReferencesOptions): Promise<Map<string, FidelityJob>> {
  const jobs = new Map<string, FidelityJob>();
  for (const [id, reason] of plan.skipped) jobs.set(id, { role: 'none', reason });
  for (const reference of plan.references) {
    const made = await makeOne(reference, plan, options);
    options.onReference?.(made);
    for (const id of reference.members) {
      jobs.set(id, made.sha256 ? { role: 'compare', file: made.file, sha256: made.sha256 } : { role: 'none', reason: `the fidelity reference ${made.label} could not be made: ${made.error}` });
    }
  }
  return jobs;
}

async function makeOne(reference: PlannedReference, plan: FidelityPlan, options: MakeReferencesOptions): Promise<MadeReference> {
  const { entry, file } = reference;
  const label = `${entry.model.name} · ${entry.backend.id}`;
  if (existsSync(file)) {
    try {
      return { label, file, sha256: readFidelityReference(file).sha256, reused: true };
    } catch {
      // An unreadable file (cut short) is made again.
    }
  }
  makeDir(dirname(file), 'fidelity reference folder');
  const definition = options.registry.find((d) => d.id === entry.backend.id)!;
  const launcher = launcherFor(definition, options.registry, options.launchers ?? launcherRegistry);
  const settings: ScenarioSettings = {
    // One repetition, no warmup: the run exists for its fidelity step.
    measure: { ...options.measure, warmupRuns: 0, warmupUntilStable: false, warmupSeconds: 0, minRepetitions: 1, maxRepetitions: 1, minSeconds: 0, targetCiWidth: null, processes: 1 },
    energy: { ...options.energy, providers: ['estimate'] },
    cpu: options.cpu,
    quality: null,
    samplesFile: null,
    fidelity: {
      role: 'reference',
      file,
      input: {
        textFile: plan.settings.text,
        windowTokens: plan.settings.windowTokens,
        windows: plan.settings.windows,
        topK: plan.settings.topK,
        workloads: reference.workloads,
        identity: {
          model: { spec: entry.model.spec, name: entry.model.name, format: entry.model.format, sha256: entry.model.sha256, quant: entry.model.quant },
          backend: { id: entry.backend.id, options: entry.backend.options, versions: {} },
          label,
        },
      },
    },
  };
  const outcome = await launcher.launch({ entry, settings, timeoutSeconds: options.measure.timeoutSeconds, sampleIntervalMs: options.measure.memorySampleMs }, {}, options.signal);
  if (!outcome.ok) return { label, file, sha256: null, reused: false, error: `${outcome.error.code}: ${outcome.error.message}` };
  const result = outcome.measurement.fidelity;
  if (result?.role !== 'reference') return { label, file, sha256: null, reused: false, error: result?.role === 'skipped' ? result.reason : 'the worker made no reference' };
  return { label, file, sha256: result.sha256, reused: false };
}
