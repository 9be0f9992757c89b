/** Reads a `result.json` (or a run folder holding one) for gate, compare and merge. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_USAGE, SlmbenchError } from '../errors.js';
import { RESULT_SCHEMA_VERSION } from '../result/RunResult.js';
import type { AnyRunResult, LoadedResult } from './AnyRunResult.js';

/**
 * Reads `path`: a result file, or a folder with `result.json` in it. Throws a SlmbenchError with code
 * `RESULT_INVALID` (exit 2) naming the file when it is missing, not JSON, of another schema version, or
 * not a result at all.
 */
export function readResultFile(path: string): LoadedResult {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'result.json') : path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(`${file}: cannot read result (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(`${file}: not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return { result: checkResult(data, file), source: path };
}

/** Checks that `data` has the shape of a result (`schemaVersion` 1, `device`, `entries[]`); `source` names it in errors. */
export function checkResult(data: unknown, source: string): AnyRunResult {
  const o = data as Partial<AnyRunResult> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw invalid(`${source}: not a slmbench result (expected a JSON object)`);
  if (o.schemaVersion !== RESULT_SCHEMA_VERSION) {
    throw invalid(`${source}: schemaVersion ${JSON.stringify(o.schemaVersion)} is not ${RESULT_SCHEMA_VERSION}; this slmbench reads version ${RESULT_SCHEMA_VERSION} results`);
  }
  if (!Array.isArray(o.entries)) throw invalid(`${source}: entries: expected an array`);
  if (!o.device || typeof o.device !== 'object') throw invalid(`${source}: device: expected the device fingerprint`);
  o.entries.forEach((entry, i) => {
    const e = entry as Partial<AnyRunResult['entries'][number]> | null;
    if (!e || typeof e !== 'object' || typeof e.id !== 'string' || !e.model || !e.backend || !e.workload) {
      throw invalid(`${source}: entries[${i}]: expected an entry with id, model, backend and workload`);
    }
  });
  return o as AnyRunResult;
}

function invalid(message: string): SlmbenchError {
  return new SlmbenchError('RESULT_INVALID', message, EXIT_USAGE);
}
