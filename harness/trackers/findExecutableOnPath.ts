/** Finds an executable by name on a PATH, the way a shell would (first match wins). */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Absolute path of the first executable file called `name` in the folders of `pathVariable`
 * (default: `process.env.PATH`); on Windows `.exe` is tried too. Null when there is none.
 */
export function findExecutableOnPath(name: string, pathVariable: string | undefined = process.env.PATH): string | null {
  const names = process.platform === 'win32' && !name.toLowerCase().endsWith('.exe') ? [`${name}.exe`, name] : [name];
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const candidate of names.map((n) => join(dir, n))) {
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}
