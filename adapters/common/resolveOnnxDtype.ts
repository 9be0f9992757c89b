/**
 * Resolves a `dtype` option to the ONNX file of a transformers.js model folder, from the folder's files
 * alone, so that a missing file is reported before any backend is asked to load anything. Shared by the
 * onnxruntime and transformers-js backends, so both load the same file of the same folder.
 *
 * `auto` = fp32 when `onnx/model.onnx` exists, else the dtype named by config.json's
 * `transformers.js_config.dtype`, else the folder's only `onnx/model*.onnx`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BackendOptionError, ModelFormatError } from '../../harness/errors.js';
import { ONNX_DTYPE_FILES, ONNX_DTYPES, onnxDtypeOfFileName, type OnnxDtype } from './onnxDtypes.js';
import { readJsonIfPresent, type JsonObject } from './readJsonIfPresent.js';

/** A dtype option resolved to its file. */
export interface ResolvedOnnxDtype {
  /** The file's dtype; null only for an `auto` pick of a lone `model_<name>.onnx` of no known dtype. */
  dtype: OnnxDtype | null;
  /** Absolute path of the ONNX file. */
  file: string;
  /** Why this file: `requested`, `model.onnx present`, `config.json` or `only model file`. */
  reason: 'requested' | 'model.onnx present' | 'config.json' | 'only model file';
}

/** ONNX model files of a transformers.js folder (`model.onnx`, `model_<name>.onnx`; not `*.onnx_data`). */
const MODEL_FILE = /^model(_[A-Za-z0-9]+)?\.onnx$/;

/**
 * @param folder absolute path of the model folder
 * @param requested the `dtype` option
 * @param backend backend id, named in option errors
 * @throws BackendOptionError naming the file when a requested dtype's file is missing; ModelFormatError
 *   when the folder has no ONNX model, when config.json names an unknown dtype or one whose file is
 *   missing (naming that file), and when `auto` cannot choose between several files
 */
export function resolveOnnxDtype(folder: string, requested: OnnxDtype | 'auto', backend: string): ResolvedOnnxDtype {
  const onnxFolder = join(folder, 'onnx');
  const present = existsSync(onnxFolder) && statSync(onnxFolder).isDirectory()
    ? readdirSync(onnxFolder).filter((name) => MODEL_FILE.test(name)).sort()
    : [];
  if (present.length === 0) {
    throw new ModelFormatError(folder, 'no ONNX model: a transformers.js model folder holds onnx/model.onnx or onnx/model_<dtype>.onnx');
  }
  const listing = present.map((name) => {
    const known = onnxDtypeOfFileName(name);
    return known ? `${known} (onnx/${name})` : `onnx/${name}`;
  }).join(', ');

  if (requested !== 'auto') {
    const file = join(folder, ONNX_DTYPE_FILES[requested]);
    if (!existsSync(file)) {
      throw new BackendOptionError(backend, 'dtype', `${requested} needs ${file}, which does not exist; this folder has ${listing}`);
    }
    return { dtype: requested, file, reason: 'requested' };
  }
  if (present.includes('model.onnx')) return { dtype: 'fp32', file: join(onnxFolder, 'model.onnx'), reason: 'model.onnx present' };

  const configPath = join(folder, 'config.json');
  const named = configuredDtype(readJsonIfPresent(configPath), configPath);
  if (named !== null) {
    const file = join(folder, ONNX_DTYPE_FILES[named]);
    if (!existsSync(file)) {
      throw new ModelFormatError(file, `missing: config.json names dtype ${named} (transformers.js_config.dtype), but the folder has ${listing}; set the dtype option to choose`);
    }
    return { dtype: named, file, reason: 'config.json' };
  }
  const only = present[0]!;
  if (present.length > 1) {
    throw new ModelFormatError(folder, `several ONNX models and no onnx/model.onnx or transformers.js_config.dtype to choose from: ${listing}; set the dtype option`);
  }
  return { dtype: onnxDtypeOfFileName(only), file: join(onnxFolder, only), reason: 'only model file' };
}

/**
 * The dtype named by `transformers.js_config.dtype`: a string, or an object per sub-model of which the
 * `model` entry counts. Null when absent; an unknown name is an error naming the file.
 */
function configuredDtype(config: JsonObject | null, configPath: string): OnnxDtype | null {
  const section = config?.['transformers.js_config'];
  if (typeof section !== 'object' || section === null) return null;
  let value = (section as JsonObject)['dtype'];
  if (typeof value === 'object' && value !== null) value = (value as JsonObject)['model'];
  if (value === undefined) return null;
  if (typeof value === 'string' && (ONNX_DTYPES as readonly string[]).includes(value)) return value as OnnxDtype;
  throw new ModelFormatError(configPath, `transformers.js_config.dtype ${JSON.stringify(value)} is not one of ${ONNX_DTYPES.join(', ')}`);
}
