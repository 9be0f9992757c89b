/**
 * What one ONNX file tells about its model: graph structure, parameters, element types, and the external
 * data files it needs (checked to exist and to be long enough).
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ModelFormatError } from '../../../harness/errors.js';
import { countOnnxParameters, type OnnxParameterCount } from './countOnnxParameters.js';
import type { OnnxGraphRecord } from '../ModelRecord.js';
import { onnxDataTypes } from './onnxDataTypes.js';
import { readOnnxModel, type OnnxModelSummary } from './readOnnxModel.js';

/** Result of {@link inspectOnnxGraph}. */
export interface OnnxGraphInspection {
  /** Everything read from the file. */
  summary: OnnxModelSummary;
  /** Parameters, element types and quantization. */
  count: OnnxParameterCount;
  /** The graph structure as recorded in a ModelRecord. */
  graph: OnnxGraphRecord;
  /** Absolute paths of the external data files the initializers reference, in first-use order. */
  externalDataFiles: string[];
  /** Vocabulary size from the last dimension of the `logits` output, when it is a fixed number. */
  logitsVocabSize: number | null;
}

/**
 * Reads and checks the ONNX file at `path` (absolute). Throws ModelFormatError naming the file when it is
 * not a valid ONNX model, or an external data file is missing or shorter than its tensors require.
 */
export async function inspectOnnxGraph(path: string): Promise<OnnxGraphInspection> {
  const summary = await readOnnxModel(path);

  const externalEnds = new Map<string, { end: number; tensor: string }>();
  for (const tensor of summary.initializers) {
    if (tensor.storage.kind !== 'external') continue;
    const file = resolve(dirname(path), tensor.storage.location);
    const bits = onnxDataTypes.get(tensor.dataType)?.bits;
    const length = tensor.storage.length ?? (bits ? Math.ceil((tensor.elements * bits) / 8) : 0);
    const end = tensor.storage.offset + length;
    if (end > (externalEnds.get(file)?.end ?? -1)) externalEnds.set(file, { end, tensor: tensor.name });
  }
  for (const [file, { end, tensor }] of externalEnds) {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new ModelFormatError(path, `external data file ${file} (initializer "${tensor}") is missing`);
    }
    if (size < end) {
      throw new ModelFormatError(
        file,
        `truncated external data file: initializer "${tensor}" of ${path} ends at byte ${end} but the file has only ${size} bytes`,
      );
    }
  }

  const count = await countOnnxParameters(summary, path);
  const operators: Record<string, number> = {};
  for (const node of summary.nodes) {
    const key = node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}:${node.opType}`;
    operators[key] = (operators[key] ?? 0) + 1;
  }
  const graph: OnnxGraphRecord = {
    irVersion: summary.irVersion,
    producer: [summary.producerName, summary.producerVersion].filter((s) => s !== '').join(' '),
    opsets: summary.opsetImports,
    inputs: summary.inputs.map((v) => v.name),
    outputs: summary.outputs.map((v) => v.name),
    operators,
  };
  const logits = summary.outputs.find((v) => v.name === 'logits') ?? (summary.outputs.length === 1 ? summary.outputs[0] : undefined);
  const lastDim = logits?.shape?.[logits.shape.length - 1];
  return {
    summary,
    count,
    graph,
    externalDataFiles: [...externalEnds.keys()],
    logitsVocabSize: typeof lastDim === 'number' && lastDim > 0 ? lastDim : null,
  };
}
