/**
 * The fidelity plan of a sweep, made before anything runs: which reference each entry is compared with
 * (the configured `quality.fidelity.reference`, planned like a sweep entry, or each family's default, see
 * {@link chooseFidelityReferences}), run under its backend's `referenceOptions` (llama.cpp: f32 KV cache,
 * flash attention off), and the file each reference is stored in: `<cacheDir>/<key>.json.gz`, the key a
 * hash of the reference's weights, backend and options, the text, the window settings and the workloads,
 * so a later sweep with the same reference finds the same file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendDefinition } from '../../adapters/types.js';
import type { FidelitySettings } from '../config/configSchema.js';
import { parseConfig } from '../config/parseConfig.js';
import { ConfigError } from '../errors.js';
import { cacheDir } from '../hub/cacheDir.js';
import type { Workload } from '../matrix/MatrixEntry.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import { planSweep } from '../runner/planSweep.js';
import { projectPath } from '../util/projectPath.js';
import { stableHash } from '../util/stableHash.js';
import { chooseFidelityReferences, fidelityEligible } from './chooseFidelityReferences.js';

/** One reference of the sweep and the entries compared with it. */
export interface PlannedReference {
  /** The reference entry, its options with the backend's `referenceOptions` over them. */
  entry: PlannedEntry;
  /** Ids of the entries compared with it. */
  members: string[];
  /** Workloads whose greedy ids it records (the members'). */
  workloads: Workload[];
  /** Its file. */
  file: string;
}

/** What the sweep does for fidelity. */
export interface FidelityPlan {
  settings: FidelitySettings & { text: string };
  textSha256: string;
  references: PlannedReference[];
  /** Entries that get no fidelity figures, with why (a cascade, a served model). */
  skipped: Map<string, string>;
}

/** Default text: the project's own held-out stories. */
export const DEFAULT_FIDELITY_TEXT = projectPath('datasets', 'heldout_stories.txt');

/**
 * @param settings with absolute paths (`absoluteQualityPaths`)
 * @throws ConfigError for a reference that does not plan (its model, its backend, or a pair that cannot run), or a missing text
 */
export async function planFidelity(
  settings: FidelitySettings,
  entries: readonly PlannedEntry[],
  options: { registry: readonly BackendDefinition[]; baseDir: string },
): Promise<FidelityPlan> {
  const text = settings.text ?? DEFAULT_FIDELITY_TEXT;
  let textSha256: string;
  try {
    textSha256 = createHash('sha256').update(readFileSync(text)).digest('hex');
  } catch (error) {
    throw new ConfigError(`quality.fidelity.text: cannot read ${text} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const folder = settings.cacheDir ?? join(cacheDir(), 'fidelity');
  const skipped = new Map<string, string>();
  for (const entry of entries) {
    if (!fidelityEligible(entry)) skipped.set(entry.id, entry.model.format === 'composite' ? 'a composite has no single next-token distribution to compare' : `${entry.model.name} is not inspected here (a served model): no distributions`);
  }
  const groups: { reference: PlannedEntry; members: PlannedEntry[] }[] = [];
  if (settings.reference) {
    const reference = await planReference(settings.reference, options);
    const members = entries.filter(fidelityEligible);
    if (members.length) groups.push({ reference, members });
  } else {
    groups.push(...chooseFidelityReferences(entries));
  }
  const references = groups.map(({ reference, members }): PlannedReference => {
    const definition = options.registry.find((d) => d.id === reference.backend.id);
    const entry = { ...reference, backend: { ...reference.backend, options: { ...reference.backend.options, ...definition?.referenceOptions } } };
    const workloads = [...new Map(members.map((m) => [m.workload.name, m.workload])).values()];
    const key = stableHash(
      {
        model: entry.model.sha256 ?? entry.model.path,
        backend: entry.backend,
        text: textSha256,
        windowTokens: settings.windowTokens,
        windows: settings.windows,
        topK: settings.topK,
        workloads,
      },
      24,
    );
    return { entry, members: members.map((m) => m.id), workloads, file: join(folder, `${key}.json.gz`) };
  });
  return { settings: { ...settings, text }, textSha256, references, skipped };
}

/** The configured reference, planned as a one-entry sweep (its model resolved and inspected like any other). */
async function planReference(reference: NonNullable<FidelitySettings['reference']>, options: { registry: readonly BackendDefinition[]; baseDir: string }): Promise<PlannedEntry> {
  const backend = typeof reference.backend === 'string' ? { id: reference.backend } : reference.backend;
  const config = parseConfig({ sweep: { models: [reference.model], backends: [backend], workloads: [{ genTokens: 1 }] } }, 'quality.fidelity.reference', options.registry);
  if (options.registry.find((d) => d.id === backend.id)?.composite) throw new ConfigError(`quality.fidelity.reference.backend: ${backend.id} is a composite; the reference must be a single model`);
  const plan = await planSweep(config, { baseDir: options.baseDir, registry: options.registry }).catch((error: unknown) => {
    throw new ConfigError(`quality.fidelity.reference: ${(error as Error).message}`);
  });
  const entry = plan.entries[0]!;
  if (!fidelityEligible(entry)) throw new ConfigError(`quality.fidelity.reference: ${entry.model.name} has no inspected shape (a served model cannot be a reference)`);
  if (plan.entries.length > 1) throw new ConfigError('quality.fidelity.reference: one option set only (an option with a list makes several entries)');
  return entry;
}
