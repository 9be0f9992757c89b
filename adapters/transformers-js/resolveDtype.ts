/**
 * Resolves the `dtype` option of the transformers-js backend to a concrete dtype and the ONNX file that
 * holds it, from the files of the model folder alone, so a missing file is reported before
 * transformers.js is asked to load anything.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError } from '../../harness/errors.js';
import { dtypeFiles, type TransformersJsDtype } from './dtypeFiles.js';
import type { TransformersJsOptions } from './index.js';

/** A dtype resolved to its file. */
export interface ResolvedDtype {
  /** The concrete dtype handed to transformers.js. */
  dtype: TransformersJsDtype;
  /** Absolute path of the ONNX file that dtype loads. */
  file: string;
  /** Why this dtype: `requested`, `model.onnx present`, `config.json` or `only model file`. */
  reason: 'requested' | 'model.onnx present' | 'config.json' | 'only model file';
}

/**
 * @param folder absolute path of the model folder
 * @param requested the `dtype` option
 * @param config the parsed `config.json` (for `transformers.js_config.dtype`)
 * @throws ModelFormatError naming the missing file when the dtype's file is absent, or the folder when
 *   `auto` cannot decide
 */
export function resolveDtype(
  folder: string,
  requested: TransformersJsOptions['dtype'],
  config: Record<string, unknown>,
): ResolvedDtype {
  const onnxDir = join(folder, 'onnx');
  if (!existsSync(onnxDir)) {
    throw new ModelFormatError(onnxDir, 'missing: a transformers.js model folder keeps its ONNX files in onnx/');
  }
  const present = readdirSync(onnxDir);
  const presentDtypes = (Object.keys(dtypeFiles) as TransformersJsDtype[]).filter((d) => present.includes(dtypeFiles[d]));
  const listing = presentDtypes.length > 0 ? presentDtypes.map((d) => `${d} (${dtypeFiles[d]})`).join(', ') : 'none';

  if (requested !== 'auto') {
    const file = join(onnxDir, dtypeFiles[requested]);
    if (!existsSync(file)) {
      throw new ModelFormatError(file, `missing: dtype ${requested} loads this file; dtypes present in this folder: ${listing}`);
    }
    return { dtype: requested, file, reason: 'requested' };
  }

  if (presentDtypes.includes('fp32')) return { dtype: 'fp32', file: join(onnxDir, dtypeFiles.fp32), reason: 'model.onnx present' };

  const configDtype = configuredDtype(config);
  if (configDtype && presentDtypes.includes(configDtype)) {
    return { dtype: configDtype, file: join(onnxDir, dtypeFiles[configDtype]), reason: 'config.json' };
  }
  const only = presentDtypes.length === 1 ? presentDtypes[0] : undefined;
  if (only) return { dtype: only, file: join(onnxDir, dtypeFiles[only]), reason: 'only model file' };

  const configNote = configDtype
    ? `config.json's transformers.js_config.dtype is ${configDtype} but onnx/${dtypeFiles[configDtype]} is missing`
    : `config.json names no transformers.js_config.dtype`;
  throw new ModelFormatError(
    onnxDir,
    `dtype auto cannot choose a model file: no model.onnx, ${configNote}, and the dtypes present are ${listing}; set the dtype option`,
  );
}

/** `transformers.js_config.dtype` of config.json, as a string or as the entry for the `model` file. */
function configuredDtype(config: Record<string, unknown>): TransformersJsDtype | undefined {
  const tjs = config['transformers.js_config'];
  if (!tjs || typeof tjs !== 'object') return undefined;
  let value = (tjs as Record<string, unknown>).dtype;
  if (value && typeof value === 'object') value = (value as Record<string, unknown>).model;
  return typeof value === 'string' && Object.hasOwn(dtypeFiles, value) ? (value as TransformersJsDtype) : undefined;
}
