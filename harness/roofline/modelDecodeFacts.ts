/**
 * What the decode roofline needs to know about a model file: the weight bytes one decode step reads and
 * the KV cache's shape. GGUF: from its tensor list and `<arch>.*` metadata. ONNX (a transformers.js
 * folder or a bare file): from the initializers (element sizes as stored: fp32 4, fp16 2, int8 1, 4-bit
 * ½ plus scales) and config.json; the token-embedding table is the initializer a `Gather` reads, and it
 * is tied when a matrix product also reads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFormat } from '../../adapters/types.js';
import { readOnnxModel } from '../model/readOnnxModel.js';
import { decodeWeightBytesFromGguf, decodeWeightBytesFromGroups, type DecodeWeightBytes, type ParamGroup } from './decodeWeightBytes.js';

/** Decode facts of a model. */
export interface ModelDecodeFacts {
  weights: DecodeWeightBytes;
  /** KV cache shape (elements per token per layer = 2 × kvHeads × headDim). */
  kv: { layers: number; kvHeads: number; headDim: number };
  /** Where the facts came from. */
  source: 'gguf tensor list' | 'onnx initializers';
}

/** Bytes per element of ONNX tensor element types as stored (4-bit packed: ½). */
const ONNX_ELEMENT_BYTES: Record<string, number> = {
  float: 4, float32: 4, float16: 2, bfloat16: 2, double: 8, int8: 1, uint8: 1, int4: 0.5, uint4: 0.5, int32: 4, int64: 8,
};

/**
 * @param path the model file or folder
 * @param format its format
 * @param onnxFile for transformers.js folders, the ONNX file the backend loaded (relative to the folder)
 * @returns the facts, or null when the model does not state what is needed
 */
export async function modelDecodeFacts(path: string, format: ModelFormat, onnxFile?: string): Promise<ModelDecodeFacts | null> {
  return format === 'gguf' ? ggufFacts(path) : onnxFacts(path, format, onnxFile);
}

async function ggufFacts(path: string): Promise<ModelDecodeFacts | null> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  const tensors = (info.fullTensorInfo ?? info.tensorInfo ?? []).map((t) => ({ name: t.name, type: t.ggmlType, dims: t.dimensions }));
  const arch = info.architectureMetadata as Record<string, unknown> & { attention?: Record<string, unknown> };
  const layers = Number(arch.block_count);
  const heads = Number(arch.attention?.head_count);
  const kvHeads = Number(arch.attention?.head_count_kv ?? heads);
  const hidden = Number(arch.embedding_length);
  const headDim = Number(arch.attention?.key_length ?? hidden / heads);
  if (!tensors.length || ![layers, kvHeads, headDim].every((n) => Number.isFinite(n) && n > 0)) return null;
  return { weights: decodeWeightBytesFromGguf(tensors), kv: { layers, kvHeads, headDim }, source: 'gguf tensor list' };
}

async function onnxFacts(path: string, format: ModelFormat, onnxFile?: string): Promise<ModelDecodeFacts | null> {
  const folder = format === 'transformers-js' ? path : null;
  const file = folder ? join(folder, onnxFile ?? 'onnx/model.onnx') : path;
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
    const bytes = ONNX_ELEMENT_BYTES[init.typeName];
    if (bytes === undefined || init.elements < 2) continue;
    const ops = readers.get(init.name) ?? new Set<string>();
    const isTable = ops.has('Gather') && init.dims.length === 2;
    const tied = isTable && [...ops].some((op) => op !== 'Gather');
    groups.push({
      name: init.name,
      params: init.elements,
      bytesPerElement: bytes,
      ...(isTable ? { rowParams: init.dims[1]!, tiedOutput: tied } : {}),
    });
  }
  const kv = kvShape(folder, model.inputs.map((i) => ({ name: i.name, shape: i.shape })));
  if (!kv || groups.length === 0) return null;
  return { weights: decodeWeightBytesFromGroups(groups), kv, source: 'onnx initializers' };
}

function kvShape(
  folder: string | null,
  inputs: { name: string; shape: (number | string | null)[] | null }[],
): ModelDecodeFacts['kv'] | null {
  const keys = inputs.filter((i) => /^past_key_values\.\d+\.key$/.test(i.name));
  const first = keys[0]?.shape;
  if (first && typeof first[1] === 'number' && typeof first[3] === 'number') {
    return { layers: keys.length, kvHeads: first[1], headDim: first[3] };
  }
  if (!folder || !existsSync(join(folder, 'config.json'))) return null;
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, number>;
  const heads = config.num_attention_heads;
  const layers = config.num_hidden_layers;
  const hidden = config.hidden_size;
  if (!heads || !layers || !hidden) return null;
  return { layers, kvHeads: config.num_key_value_heads ?? heads, headDim: config.head_dim ?? hidden / heads };
}
