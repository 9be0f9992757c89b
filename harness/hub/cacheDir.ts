/** slmbench's cache folder, shared by forged models (`forge/`) and hub downloads (`hub/`). */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache folder: `SLMBENCH_CACHE`, else `$XDG_CACHE_HOME/slmbench`, else `~/.cache/slmbench`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLMBENCH_CACHE) return env.SLMBENCH_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'slmbench');
}
