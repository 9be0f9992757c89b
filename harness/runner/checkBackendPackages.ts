/**
 * Preflight of the backends a plan uses: every npm package a backend definition names (`packages`) must
 * be installed where the workers will import it, before the first entry runs; otherwise every entry of
 * that backend would error one by one. The packages are resolved, not imported: importing them here would
 * run their side effects in the runner (node-llama-cpp installs SIGINT handlers that end the process,
 * which took Ctrl-C away from the sweep); a package that resolves but cannot load fails in its worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendDefinition } from '../../adapters/types.js';
import { BackendUnavailableError } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';

/**
 * Resolves each package of the entries' backends (a composite's: its stages' backends) once; throws
 * BackendUnavailableError naming the first that is not installed.
 */
export function checkBackendPackages(entries: readonly PlannedEntry[], registry: readonly BackendDefinition[]): void {
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
      let entry: string;
      try {
        entry = fileURLToPath(import.meta.resolve(name));
      } catch (error) {
        const reason = ((error as Error).message ?? String(error)).split('\n')[0];
        throw new BackendUnavailableError(id, `its package ${name} is not installed (${reason}); npm ci installs it`, { cause: error });
      }
      if (!existsSync(entry)) throw new BackendUnavailableError(id, `its package ${name} is incomplete (${entry} is missing); npm ci installs it again`);
    }
  }
}
