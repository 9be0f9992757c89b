/**
 * The files a transformers.js model folder needs besides its ONNX weights, checked where the folder is
 * inspected (before a sweep runs, so a folder without its tokenizer is refused up front) and again by
 * the backend that loads it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError } from '../../../harness/errors.js';

/** Files every transformers.js model folder needs besides its ONNX file. */
export const TRANSFORMERS_JS_REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Throws ModelFormatError naming the first of {@link TRANSFORMERS_JS_REQUIRED_FILES} missing from `folder`. */
export function checkRequiredFiles(folder: string): void {
  for (const name of TRANSFORMERS_JS_REQUIRED_FILES) {
    const file = join(folder, name);
    if (!existsSync(file)) {
      throw new ModelFormatError(file, `missing: a transformers.js model folder needs ${TRANSFORMERS_JS_REQUIRED_FILES.join(', ')}`);
    }
  }
}
