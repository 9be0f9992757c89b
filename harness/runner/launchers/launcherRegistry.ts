/**
 * The launchers slmbench knows, by id. Adding a launcher (a browser page, a server process) is one file
 * in this folder and one line here; a backend definition names the one its entries need, or brings its
 * own (`BackendDefinition.launcher`, from the backend's folder). Each is made
 * for one run, with the run's backends (the in-process launcher measures with them; the forked worker
 * knows the built-in ones).
 */
import type { BackendDefinition } from '../../../adapters/types.js';
import { inProcessLauncher } from './inProcessLauncher.js';
import type { Launcher } from './Launcher.js';
import { processLauncher } from './processLauncher.js';

/** Makes a launcher for a run over `registry`. */
export type LauncherFactory = (registry: readonly BackendDefinition[]) => Launcher;

export const launcherRegistry: ReadonlyMap<string, LauncherFactory> = new Map<string, LauncherFactory>([
  ['process', () => processLauncher()],
  ['in-process', (registry) => inProcessLauncher(registry)],
]);

/** The launcher an entry of `definition` runs in, for a run over `backends`. */
export function launcherFor(
  definition: Pick<BackendDefinition, 'id' | 'launcher'>,
  backends: readonly BackendDefinition[],
  registry: ReadonlyMap<string, LauncherFactory> = launcherRegistry,
): Launcher {
  // A launcher the backend brings itself.
  if (typeof definition.launcher === 'object') return definition.launcher.create(backends);
  const id = definition.launcher ?? 'process';
  const make = registry.get(id);
  if (!make) throw new Error(`backend ${definition.id} names launcher "${id}", which is not registered (known: ${[...registry.keys()].join(', ')})`);
  return make(backends);
}
