/**
 * Inspection of a transformers.js model folder (`config.json`, tokenizer files, `onnx/*.onnx`). The
 * numbers that depend on weights (parameters, quantization, element types) come from the ONNX file that
 * transformers.js loads by default.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelFormatError } from '../errors.js';
import { inspectOnnxGraph } from './inspectOnnxGraph.js';
import type { ModelFileRecord, ModelRecord } from './ModelRecord.js';
import { readTransformersConfig } from './readTransformersConfig.js';
import { sha256File } from './sha256File.js';

/** File name suffix of each transformers.js dtype (`onnx/model<suffix>.onnx`). */
const DTYPE_SUFFIX: Readonly<Record<string, string>> = {
  auto: '',
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/**
 * Inspects the transformers.js folder at `folder` (absolute). Every file of the folder is listed with its
 * size and sha256 (hidden files and folders such as `.git` are skipped).
 */
export async function inspectTransformersJsFolder(folder: string): Promise<ModelRecord> {
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
 * The ONNX file transformers.js loads by default: `model<suffix>.onnx` (or the v2 name
 * `decoder_model_merged<suffix>.onnx`) for the config's dtype, fp32 when the config names none; else the
 * only ONNX file.
 */
function chooseDefaultOnnx(folder: string, onnxFiles: readonly string[], dtype: string | null): string {
  const suffix = DTYPE_SUFFIX[dtype ?? 'fp32'] ?? '';
  for (const candidate of [`onnx/model${suffix}.onnx`, `onnx/decoder_model_merged${suffix}.onnx`]) {
    if (onnxFiles.includes(candidate)) return candidate;
  }
  if (onnxFiles.length === 1) return onnxFiles[0]!;
  throw new ModelFormatError(
    folder,
    `cannot tell which ONNX file transformers.js loads by default (dtype ${dtype ?? 'fp32'} → onnx/model${suffix}.onnx is absent); ` +
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
