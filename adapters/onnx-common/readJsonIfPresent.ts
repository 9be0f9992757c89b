/**
 * Reads a model's JSON config file (`config.json`, `generation_config.json`), which must hold a JSON
 * object; shared by the adapters that read transformers.js model folders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ModelFormatError } from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';

/** A JSON object read from a model's config file. */
export type JsonObject = Record<string, unknown>;

/**
 * @param file path of the JSON file
 * @returns the parsed object, or null when the file does not exist
 * @throws ModelFormatError naming the file when it is not valid JSON or not a JSON object
 */
export function readJsonIfPresent(file: string): JsonObject | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(file, `not valid JSON: ${firstLine(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelFormatError(file, 'expected a JSON object');
  }
  return parsed as JsonObject;
}
