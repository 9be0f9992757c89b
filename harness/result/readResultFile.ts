/**
 * The one reader of `result.json` (a run's, a shard's or a merged result), for report, gate, compare and
 * merge, and for the library: reads the file (or a run folder's `result.json`), brings an older
 * `schemaVersion` up to the current one through the migration chain, and checks the shape field by field.
 * Every problem is one {@link ResultFileError} (`RESULT_INVALID`, exit 2) naming the file and the field.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../util/readDataFile.js';
import type { AnyRunResult, LoadedResult } from './AnyRunResult.js';
import { ResultFileError } from './ResultFileError.js';
import { ENTRIES_FILE } from './EntryLog.js';
import { RESULT_FILE, RESULT_SCHEMA_VERSION } from './RunResult.js';

/**
 * Migrations by the version they read: `MIGRATIONS[v]` turns a version-v result into version v + 1.
 * Version 1 is the current one, so the chain is empty; the next change of shape bumps
 * {@link RESULT_SCHEMA_VERSION} and adds its step here, and every reader gets old files in the new shape.
 */
const MIGRATIONS: Readonly<Record<number, (result: Record<string, unknown>) => Record<string, unknown>>> = {};

/** The oldest version the chain reads. */
const OLDEST_VERSION = Math.min(RESULT_SCHEMA_VERSION, ...Object.keys(MIGRATIONS).map(Number));

/**
 * Reads `path`: a result file, or a folder with `result.json` in it (a folder whose sweep has not
 * finished is told to `--resume`).
 */
export function readResultFile(path: string): LoadedResult {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    file = join(path, RESULT_FILE);
    if (!existsSync(file)) {
      const unfinished = existsSync(join(path, ENTRIES_FILE)) ? ' (the sweep has not finished: continue it with slmbench run --resume)' : '';
      throw new ResultFileError(path, `folder holds no result.json${unfinished}`);
    }
  }
  const data = readDataFile(file, { what: 'result', json: true, error: (problem, shown) => new ResultFileError(shown, problem) });
  return { result: checkResult(data, file), source: path, file };
}

/** Brings `data` to the current schema version and checks its shape; `source` names it in errors. */
export function checkResult(data: unknown, source: string): AnyRunResult {
  const fail = (path: string, expected: string): never => {
    throw new ResultFileError(source, `${path}: expected ${expected}; not a slmbench result.json`);
  };
  if (!isObject(data)) throw new ResultFileError(source, 'not a slmbench result (expected a JSON object)');
  let result = data;
  const version = result.schemaVersion;
  if (typeof version !== 'number') return fail('schemaVersion', `${RESULT_SCHEMA_VERSION}`);
  if (!Number.isInteger(version) || version < OLDEST_VERSION || version > RESULT_SCHEMA_VERSION) {
    throw new ResultFileError(source, `schemaVersion ${version} is not supported (this slmbench reads ${OLDEST_VERSION === RESULT_SCHEMA_VERSION ? RESULT_SCHEMA_VERSION : `${OLDEST_VERSION} to ${RESULT_SCHEMA_VERSION}`})`);
  }
  for (let v = version; v < RESULT_SCHEMA_VERSION; v++) result = { ...MIGRATIONS[v]!(result), schemaVersion: v + 1 };
  if (!Array.isArray(result.entries)) return fail('entries', 'an array');
  if (!isObject(result.device)) return fail('device', 'an object');
  result.entries.forEach((entry: unknown, i: number) => {
    const at = `entries[${i}]`;
    if (!isObject(entry)) return fail(at, 'an object');
    if (typeof entry.id !== 'string') fail(`${at}.id`, 'a string');
    if (!['ok', 'errored', 'skipped'].includes(entry.status as string)) fail(`${at}.status`, 'ok, errored or skipped');
    if (!isObject(entry.model) || typeof entry.model.name !== 'string') fail(`${at}.model.name`, 'a string');
    if (!isObject(entry.backend) || typeof entry.backend.id !== 'string') fail(`${at}.backend.id`, 'a string');
    if (!isObject(entry.workload) || typeof entry.workload.name !== 'string') fail(`${at}.workload.name`, 'a string');
    if (entry.status === 'ok' && !isObject(entry.metrics)) fail(`${at}.metrics`, 'an object for an ok entry');
    return undefined;
  });
  return result as unknown as AnyRunResult;
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
