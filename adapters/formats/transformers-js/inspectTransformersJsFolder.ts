/**
 * Inspection of a transformers.js model folder (`config.json`, tokenizer files, `onnx/*.onnx`). The
 * numbers that depend on weights (parameters, quantization, element types) come from the ONNX file that
 * transformers.js loads by default.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelFormatError } from '../../../harness/errors.js';
import { inspectOnnxGraph } from '../onnx/inspectOnnxGraph.js';
import type { ModelFileRecord, ModelRecord } from '../ModelRecord.js';
import { readTransformersConfig } from './readTransformersConfig.js';
import { checkRequiredFiles } from './requiredFiles.js';
import { isOnnxDtype, ONNX_DTYPE_FILES } from './onnxFiles.js';
import { sha256File } from '../../../harness/util/sha256File.js';

/**
 * Inspects the transformers.js folder at `folder` (absolute). Every file of the folder is listed with its
 * size and sha256 (hidden files and folders such as `.git` are skipped).
 */
export async function inspectTransformersJsFolder(folder: string): Promise<ModelRecord> {
  checkRequiredFiles(folder);
  const config = await readTransformersConfig(join(folder, 'config.json'));
  const relativePaths = await listFiles(folder);
  const onnxFiles = relativePaths.filter((p) => p.startsWith('onnx/') && p.endsWith('.onnx'));
  const defaultOnnx = chooseDefaultOnnx(folder, onnxFiles, config.defaultDtype);
  const inspection = await inspectOnnxGraph(join(folder, defaultOnnx));

  const files: ModelFileRecord[] = [];
  for (const path of relativePaths) {
    const absolute = join(folder, path);
    files.push({ path, sizeBytes: (await stat(absolute)).size, sha256: await sha256File(absolute) });
  }
  const { count } = inspection;
  return {
    path: folder,
    format: 'transformers-js',
    name: config.name ?? basename(folder),
    sha256: files.find((f) => f.path === defaultOnnx)!.sha256,
    sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    params: count.params,
    paramsStored: count.paramsStored,
    quant: count.quant,
    arch: config.modelType,
    ...(config.architectureClass ? { architectureClass: config.architectureClass } : {}),
    contextLength: config.contextLength,
    vocabSize: config.vocabSize ?? inspection.logitsVocabSize,
    files,
    tensorTypes: count.tensorTypes,
    details: config.details,
    onnx: inspection.graph,
  };
}

/**
 * The ONNX file the folder names as its default, as transformers.js reads it when no dtype is given: the
 * file of config.json's dtype (else fp32), `onnx/model<suffix>.onnx` or the v2 name
 * `onnx/decoder_model_merged<suffix>.onnx`; else the only ONNX file. (The backends' `dtype: auto` prefers
 * `onnx/model.onnx` when present: `chooseOnnxFile`; an entry records the file its backend loaded.)
 */
function chooseDefaultOnnx(folder: string, onnxFiles: readonly string[], dtype: unknown): string {
  const named = isOnnxDtype(dtype) ? dtype : 'fp32';
  const file = ONNX_DTYPE_FILES[named];
  for (const candidate of [file, file.replace(/^onnx\/model/, 'onnx/decoder_model_merged')]) {
    if (onnxFiles.includes(candidate)) return candidate;
  }
  if (onnxFiles.length === 1) return onnxFiles[0]!;
  throw new ModelFormatError(
    folder,
    `cannot tell which ONNX file transformers.js loads by default (dtype ${named} → ${file} is absent); ` +
      `found: ${onnxFiles.join(', ') || 'none'}`,
  );
}

/** Paths of the folder's files relative to it, `/`-separated, sorted; hidden entries skipped. */
async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(folder, prefix), { withFileTypes: true });
  const paths: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...(await listFiles(folder, path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths.sort();
}
