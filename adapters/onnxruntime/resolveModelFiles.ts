/**
 * Finds the files of a model for the onnxruntime backend: the ONNX graph to load, the folder holding the
 * tokenizer, and the model's config files. Touches only the file system (no onnxruntime), so its rules
 * can be tested on empty files. The choice of file inside a transformers.js folder is
 * {@link resolveOnnxDtype}'s, shared with the transformers-js backend.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { BackendOptionError, ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { onnxDtypeOfFileName, type OnnxDtype } from '../formats/transformers-js/onnxFiles.js';
import { readJsonIfPresent, type JsonObject } from '../onnx-common/readJsonIfPresent.js';
import { resolveOnnxDtype } from '../formats/transformers-js/resolveOnnxDtype.js';

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
  const resolved = resolveOnnxDtype(folder, dtype, BACKEND);
  return { folder, onnxPath: resolved.file, fileDtype: resolved.dtype };
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
  return { folder, onnxPath: file, fileDtype: onnxDtypeOfFileName(basename(file)) };
}
