/**
 * The built-in tasks (`suites/tasks/*.yaml`) and suites (`suites/suites/*.yaml`), found by listing those
 * folders: adding a task costs one data file. Names that are not found get "did you mean …?".
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closestMatch } from '../harness/util/closestMatch.js';
import { projectPath } from '../harness/util/projectPath.js';
import { UnknownTaskError } from './errors.js';

const DATA_FILE = /\.(ya?ml|json)$/i;

/** Folder of the built-in task files. */
export function builtinTasksDir(): string {
  return projectPath('suites', 'tasks');
}

/** Folder of the built-in suite files. */
export function builtinSuitesDir(): string {
  return projectPath('suites', 'suites');
}

/** Built-in task ids → file paths, sorted by id (the id is the file name without extension). */
export function builtinTaskFiles(): Map<string, string> {
  return listDataFiles(builtinTasksDir());
}

/** Built-in suite ids → file paths, sorted by id. */
export function builtinSuiteFiles(): Map<string, string> {
  return listDataFiles(builtinSuitesDir());
}

/** True when `name` looks like a file path rather than an id. */
export function isFileReference(name: string): boolean {
  return DATA_FILE.test(name) || name.includes('/') || name.includes('\\');
}

/** The file of a built-in task; UnknownTaskError with a suggestion otherwise. */
export function builtinTaskFile(id: string): string {
  return lookup('task', id, builtinTaskFiles());
}

/** The file of a built-in suite; UnknownTaskError with a suggestion otherwise. */
export function builtinSuiteFile(id: string): string {
  return lookup('suite', id, builtinSuiteFiles());
}

function lookup(kind: 'task' | 'suite', id: string, files: Map<string, string>): string {
  const file = files.get(id);
  if (file) return file;
  const known = [...files.keys()];
  throw new UnknownTaskError(kind, id, known, closestMatch(id, known));
}

function listDataFiles(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const names = readdirSync(dir).filter((n) => DATA_FILE.test(n)).sort();
  return new Map(names.map((n) => [n.replace(DATA_FILE, ''), join(dir, n)]));
}
