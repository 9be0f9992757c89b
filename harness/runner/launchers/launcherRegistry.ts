/**
 * The launchers slmbench knows, by id. Adding a launcher (a browser page, a server process) is one file
 * in this folder and one line here; a backend definition names the one its entries need.
 */
import type { Launcher } from './Launcher.js';
import { processLauncher } from './processLauncher.js';

export const launcherRegistry: ReadonlyMap<string, () => Launcher> = new Map([['process', () => processLauncher()]]);

/** The launcher an entry of `definition` runs in. */
export function launcherFor(definition: { id: string; launcher?: string }, registry: ReadonlyMap<string, () => Launcher> = launcherRegistry): Launcher {
  const id = definition.launcher ?? 'process';
  const make = registry.get(id);
  if (!make) throw new Error(`backend ${definition.id} names launcher "${id}", which is not registered (known: ${[...registry.keys()].join(', ')})`);
  return make();
}
