/**
 * What a decode step reads from an ONNX decoder, from the file itself: the initializers (element sizes as
 * stored: fp32 4, fp16 2, int8 1, 4-bit ½; integer shape constants count too) and the KV cache's shape
 * from the `past_key_values.<n>.key` inputs, else from the folder's config.json. The token-embedding table
 * is the initializer a `Gather` reads; it is tied when another operator (the output projection) reads it too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodeFacts, KvShape } from '../DecodeFacts.js';
import { decodeWeightBytesFromGroups, type ParamGroup } from '../decodeWeightBytes.js';
import { readTransformersConfig } from '../transformers-js/readTransformersConfig.js';
import { onnxDataTypes } from './onnxDataTypes.js';
import { readOnnxModel } from './readOnnxModel.js';

/** Element types whose initializers count as weights read per step (bytes per element from {@link onnxDataTypes}). */
const WEIGHT_TYPES = new Set(['float32', 'float16', 'bfloat16', 'float64', 'int8', 'uint8', 'int4', 'uint4', 'int32', 'int64']);

/**
 * @param file the ONNX file the backend loads
 * @param folder the transformers.js folder it belongs to (for config.json), or null for a bare file
 * @returns the facts, or null when the file does not state what is needed
 */
export async function onnxDecodeFacts(file: string, folder: string | null): Promise<DecodeFacts | null> {
  if (!existsSync(file)) return null;
  const model = await readOnnxModel(file);
  const readers = new Map<string, Set<string>>();
  for (const node of model.nodes) {
    for (const input of node.inputs) {
      if (!readers.has(input)) readers.set(input, new Set());
      readers.get(input)!.add(node.opType);
    }
  }
  const groups: ParamGroup[] = [];
  for (const init of model.initializers) {
    const bits = onnxDataTypes.get(init.dataType)?.bits;
    if (!WEIGHT_TYPES.has(init.typeName) || !bits || init.elements < 2) continue;
    const ops = readers.get(init.name) ?? new Set<string>();
    const isTable = ops.has('Gather') && init.dims.length === 2;
    const tied = isTable && [...ops].some((op) => op !== 'Gather');
    groups.push({
      name: init.name,
      params: init.elements,
      bytesPerElement: bits / 8,
      ...(isTable ? { rowParams: init.dims[1]!, tiedOutput: tied } : {}),
    });
  }
  const kv = await kvShape(folder, model.inputs);
  if (!kv || groups.length === 0) return null;
  return { weights: decodeWeightBytesFromGroups(groups), kv, source: 'onnx initializers' };
}

async function kvShape(folder: string | null, inputs: readonly { name: string; shape: (number | string | null)[] | null }[]): Promise<KvShape | null> {
  const keys = inputs.filter((i) => /^past_key_values\.\d+\.key$/.test(i.name));
  const first = keys[0]?.shape;
  if (first && typeof first[1] === 'number' && typeof first[3] === 'number') {
    return { layers: keys.length, kvHeads: first[1], headDim: first[3] };
  }
  if (!folder || !existsSync(join(folder, 'config.json'))) return null;
  const config = await readTransformersConfig(join(folder, 'config.json'));
  const { layers, kvHeads } = config.details;
  if (!layers || !kvHeads || !config.headDim) return null;
  return { layers, kvHeads, headDim: config.headDim };
}
