/**
 * Finds the files of a model for the onnxruntime backend: the ONNX graph to load, the folder holding the
 * tokenizer, and the model's config files. Touches only the file system (no onnxruntime), so its rules
 * can be tested on empty files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { BackendOptionError, ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { DTYPE_FILES, ONNX_DTYPES, type OnnxDtype } from './dtypeFiles.js';

/** A JSON object read from a model's config file. */
export type JsonObject = Record<string, unknown>;

/** The files behind one model source. */
export interface ModelFiles {
  /** Absolute path of the folder holding `tokenizer.json` (and `config.json` when there is one). */
  folder: string;
  /** Absolute path of the ONNX file to load. */
  onnxPath: string;
  /** `onnxPath` relative to `folder`, with `/` separators (e.g. `onnx/model_fp16.onnx`). */
  onnxFile: string;
  /** Weight precision of the file, from its name; null for a bare file whose name does not say. */
  dtype: OnnxDtype | null;
  /** `config.json` of the folder, or null when it has none. */
  config: JsonObject | null;
  /** `generation_config.json` of the folder, or null when it has none. */
  generationConfig: JsonObject | null;
}

const BACKEND = 'onnxruntime';
const MODEL_FILE = /^model(_[A-Za-z0-9]+)?\.onnx$/;

/**
 * Resolves a model path to its files.
 * @param path a transformers.js model folder, or a bare `.onnx` file whose folder or parent folder holds
 *   `tokenizer.json`
 * @param dtype the `dtype` option: which file of a transformers.js folder to load (`auto` picks one)
 * @throws ModelNotFoundError when `path` does not exist; ModelFormatError when a needed file is missing,
 *   unreadable or ambiguous; BackendOptionError when the requested dtype's file is missing
 */
export function resolveModelFiles(path: string, dtype: OnnxDtype | 'auto'): ModelFiles {
  if (!existsSync(path)) throw new ModelNotFoundError(path);
  const isFolder = statSync(path).isDirectory();
  const { folder, onnxPath, fileDtype } = isFolder ? pickFromFolder(path, dtype) : locateBareFile(path, dtype);
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    const file = join(folder, name);
    if (!existsSync(file)) {
      throw new ModelFormatError(file, `missing: ${isFolder ? 'a transformers.js model folder' : 'the tokenizer folder of a bare .onnx file'} needs tokenizer.json and tokenizer_config.json`);
    }
  }
  return {
    folder,
    onnxPath,
    onnxFile: relative(folder, onnxPath).split(sep).join('/'),
    dtype: fileDtype,
    config: readJsonIfPresent(join(folder, 'config.json')),
    generationConfig: readJsonIfPresent(join(folder, 'generation_config.json')),
  };
}

interface Located {
  folder: string;
  onnxPath: string;
  fileDtype: OnnxDtype | null;
}

function pickFromFolder(folder: string, dtype: OnnxDtype | 'auto'): Located {
  const onnxFolder = join(folder, 'onnx');
  const present = existsSync(onnxFolder) && statSync(onnxFolder).isDirectory()
    ? readdirSync(onnxFolder).filter((name) => MODEL_FILE.test(name)).sort()
    : [];
  if (present.length === 0) {
    throw new ModelFormatError(folder, 'no ONNX model: a transformers.js model folder holds onnx/model.onnx or onnx/model_<dtype>.onnx');
  }
  const listing = present.map((name) => {
    const known = dtypeOfFileName(name);
    return known ? `${known} (onnx/${name})` : `onnx/${name}`;
  }).join(', ');

  if (dtype !== 'auto') {
    const file = join(folder, DTYPE_FILES[dtype]);
    if (!existsSync(file)) {
      throw new BackendOptionError(BACKEND, 'dtype', `${dtype} needs ${file}, which does not exist; this folder has ${listing}`);
    }
    return { folder, onnxPath: file, fileDtype: dtype };
  }
  if (present.includes('model.onnx')) return { folder, onnxPath: join(onnxFolder, 'model.onnx'), fileDtype: 'fp32' };

  const configPath = join(folder, 'config.json');
  const named = configuredDtype(readJsonIfPresent(configPath), configPath);
  if (named !== null) {
    const file = join(folder, DTYPE_FILES[named]);
    if (!existsSync(file)) {
      throw new ModelFormatError(file, `missing: config.json names dtype ${named} (transformers.js_config.dtype), but the folder has ${listing}; set the dtype option to choose`);
    }
    return { folder, onnxPath: file, fileDtype: named };
  }
  const only = present[0]!;
  if (present.length > 1) {
    throw new ModelFormatError(folder, `several ONNX models and no onnx/model.onnx or transformers.js_config.dtype to choose from: ${listing}; set the dtype option`);
  }
  return { folder, onnxPath: join(onnxFolder, only), fileDtype: dtypeOfFileName(only) };
}

function locateBareFile(file: string, dtype: OnnxDtype | 'auto'): Located {
  if (!file.toLowerCase().endsWith('.onnx')) {
    throw new ModelFormatError(file, 'not an ONNX model: expected a .onnx file or a transformers.js model folder');
  }
  if (dtype !== 'auto') {
    throw new BackendOptionError(BACKEND, 'dtype', `${dtype} selects a file inside a transformers.js folder, but ${file} is a bare .onnx file, loaded as given; leave dtype at auto`);
  }
  const own = dirname(file);
  const parent = dirname(own);
  const folder = [own, parent].find((candidate) => existsSync(join(candidate, 'tokenizer.json')));
  if (folder === undefined) {
    throw new ModelFormatError(join(own, 'tokenizer.json'), `missing: a bare .onnx file needs tokenizer.json in its folder or in ${join(parent, 'tokenizer.json')}`);
  }
  return { folder, onnxPath: file, fileDtype: dtypeOfFileName(basename(file)) };
}

/** The dtype whose transformers.js file name is `name` (`model_fp16.onnx` → fp16), or null. */
function dtypeOfFileName(name: string): OnnxDtype | null {
  return ONNX_DTYPES.find((dtype) => DTYPE_FILES[dtype] === `onnx/${name}`) ?? null;
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

function readJsonIfPresent(file: string): JsonObject | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(file, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelFormatError(file, 'expected a JSON object');
  }
  return parsed as JsonObject;
}
