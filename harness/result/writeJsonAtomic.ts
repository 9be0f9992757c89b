/** Writes a value as indented JSON through {@link writeFileAtomic}: readers see the old file or the whole new one. */
import { writeFileAtomic } from '../util/writeFileAtomic.js';

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
