/**
 * Preflight of the backends a plan uses: every npm package a backend definition names (`packages`) must
 * load here, before the first entry runs; otherwise every entry of that backend would error one by one.
 */
import type { BackendDefinition } from '../../adapters/types.js';
import { BackendUnavailableError } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';

/**
 * Imports each package of the entries' backends (a composite's: its stages' backends) once; throws
 * BackendUnavailableError naming the first that cannot load.
 */
export async function checkBackendPackages(entries: readonly PlannedEntry[], registry: readonly BackendDefinition[]): Promise<void> {
  const ids = new Set<string>();
  for (const entry of entries) {
    ids.add(entry.backend.id);
    const stages = entry.backend.options.stages;
    if (Array.isArray(stages)) for (const stage of stages as { backend?: { id?: unknown } }[]) if (typeof stage.backend?.id === 'string') ids.add(stage.backend.id);
  }
  const checked = new Set<string>();
  for (const id of ids) {
    const definition = registry.find((d) => d.id === id);
    for (const name of definition?.packages ?? []) {
      if (checked.has(name)) continue;
      checked.add(name);
      try {
        await import(name);
      } catch (error) {
        const reason = ((error as Error).message ?? String(error)).split('\n')[0];
        throw new BackendUnavailableError(id, `its package ${name} cannot be loaded (${reason}); npm ci installs it`, { cause: error });
      }
    }
  }
}
