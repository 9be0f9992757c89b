/**
 * Inspection of a bare `.onnx` file. When the file sits in the `onnx/` folder of a transformers.js model
 * folder, that folder's config.json supplies the architecture, context length and vocabulary.
 */
import { access, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { inspectOnnxGraph } from './inspectOnnxGraph.js';
import type { ModelFileRecord, ModelRecord } from '../ModelRecord.js';
import { readTransformersConfig, type TransformersConfig } from '../transformers-js/readTransformersConfig.js';
import { sha256File } from '../../../harness/util/sha256File.js';

/** Inspects the ONNX file at `path` (absolute). */
export async function inspectOnnxFile(path: string): Promise<ModelRecord> {
  const inspection = await inspectOnnxGraph(path);
  const folder = dirname(path);
  const files: ModelFileRecord[] = [];
  for (const file of [path, ...inspection.externalDataFiles]) {
    files.push({
      path: relative(folder, file).split('\\').join('/'),
      sizeBytes: (await stat(file)).size,
      sha256: await sha256File(file),
    });
  }
  let config: TransformersConfig | null = null;
  const configPath = join(folder, '..', 'config.json');
  if (basename(folder) === 'onnx' && (await exists(configPath))) config = await readTransformersConfig(configPath);
  const { summary, count } = inspection;
  return {
    path,
    format: 'onnx',
    name: config?.name ?? (summary.graphName !== '' && summary.graphName !== 'main_graph' ? summary.graphName : basename(path)),
    sha256: files[0]!.sha256,
    sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    params: count.params,
    paramsStored: count.paramsStored,
    quant: count.quant,
    arch: config?.modelType ?? null,
    ...(config?.architectureClass ? { architectureClass: config.architectureClass } : {}),
    contextLength: config?.contextLength ?? null,
    vocabSize: config?.vocabSize ?? inspection.logitsVocabSize,
    files,
    tensorTypes: count.tensorTypes,
    ...(config ? { details: config.details } : {}),
    onnx: inspection.graph,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
