/**
 * Resolves a `dtype` option to the ONNX file of a transformers.js model folder on disk, by the one rule of
 * {@link chooseOnnxFile}, so that a missing file is reported before any backend is asked to load anything.
 * Shared by the onnxruntime and transformers-js backends.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BackendOptionError, ModelFormatError } from '../../../harness/errors.js';
import { readJsonIfPresent } from '../../onnx-common/readJsonIfPresent.js';
import { chooseOnnxFile, describeOnnxFiles, ONNX_DTYPES, type OnnxDtype, type OnnxFileChoice } from './onnxFiles.js';
import { interpretTransformersConfig } from './readTransformersConfig.js';

/** A dtype option resolved to its file. */
export interface ResolvedOnnxDtype {
  /** The file's dtype; null only for an `auto` pick of a lone `model_<name>.onnx` of no known dtype. */
  dtype: OnnxDtype | null;
  /** Absolute path of the ONNX file. */
  file: string;
  /** Why this file: `requested`, `model.onnx present`, `config.json` or `only model file`. */
  reason: Extract<OnnxFileChoice, { kind: 'file' }>['reason'];
}

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
  const names = existsSync(onnxFolder) && statSync(onnxFolder).isDirectory() ? readdirSync(onnxFolder) : [];
  const configPath = join(folder, 'config.json');
  // config.json is read only when the rule needs it (auto without model.onnx).
  const needsConfig = requested === 'auto' && !names.includes('model.onnx');
  const configDtype = needsConfig ? interpretTransformersConfig(readJsonIfPresent(configPath)).defaultDtype : null;
  const choice = chooseOnnxFile(names, configDtype, requested);
  const listing = describeOnnxFiles(names);
  switch (choice.kind) {
    case 'file':
      return { dtype: choice.dtype, file: join(folder, choice.file), reason: choice.reason };
    case 'no-model':
      throw new ModelFormatError(folder, 'no ONNX model: a transformers.js model folder holds onnx/model.onnx or onnx/model_<dtype>.onnx');
    case 'requested-missing':
      throw new BackendOptionError(backend, 'dtype', `${choice.dtype} needs ${join(folder, choice.file)}, which does not exist; this folder has ${listing}`);
    case 'config-unknown':
      throw new ModelFormatError(configPath, `transformers.js_config.dtype ${JSON.stringify(choice.named)} is not one of ${ONNX_DTYPES.join(', ')}`);
    case 'config-missing':
      throw new ModelFormatError(
        join(folder, choice.file),
        `missing: config.json names dtype ${choice.dtype} (transformers.js_config.dtype), but the folder has ${listing}; set the dtype option to choose`,
      );
    case 'ambiguous':
      throw new ModelFormatError(folder, `several ONNX models and no onnx/model.onnx or transformers.js_config.dtype to choose from: ${listing}; set the dtype option`);
  }
}
