/**
 * Reads what a decoder graph expects from its input and output metadata (names, element types, KV-cache
 * shapes), so the generation loop feeds exactly the inputs the graph declares.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ModelFormatError } from '../../harness/errors.js';
import { interpretTransformersConfig, type TransformersConfig } from '../formats/transformers-js/readTransformersConfig.js';
import type { JsonObject } from '../onnx-common/readJsonIfPresent.js';

/** Element types of the float tensors the loop handles. */
export type FloatType = 'float32' | 'float16';
/** Element types of the integer inputs the loop handles. */
export type IntType = 'int64' | 'int32';

/** One KV-cache tensor: fed as `past`, returned as `present`. */
export interface KvSlot {
  /** Input name, e.g. `past_key_values.0.key`. */
  past: string;
  /** Output name, e.g. `present.0.key`. */
  present: string;
  /** Element type (the loop feeds `present` back as `past` unchanged). */
  type: FloatType;
  /** Number of KV heads (dimension 1 of [batch, kvHeads, past_seq, headDim]). */
  kvHeads: number;
  /** Head size (dimension 3). */
  headDim: number;
}

/** What the generation loop needs to know about a decoder graph. */
export interface DecoderGraph {
  /** Element type of `input_ids`. */
  inputIdsType: IntType;
  /** Element type of `attention_mask`, or null when the graph has no such input. */
  attentionMaskType: IntType | null;
  /** Element type of `position_ids`, or null when the graph has no such input. */
  positionIdsType: IntType | null;
  /** True when the graph has a `use_cache_branch` input (older merged decoders). */
  useCacheBranch: boolean;
  /** Element type of `logits`. */
  logitsType: FloatType;
  /** Last dimension of `logits` when the graph fixes it, else null. */
  vocabSize: number | null;
  /** KV-cache slots in input order; empty for a graph without a KV cache. */
  kv: KvSlot[];
}

type Metadata = readonly InferenceSession.ValueMetadata[];

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

/**
 * @param inputs the session's `inputMetadata`
 * @param outputs the session's `outputMetadata`
 * @param path the ONNX file, named in errors
 * @param config the model's config.json (read by the one config interpreter), used for KV shapes the graph leaves symbolic
 * @throws ModelFormatError when the graph is not a decoder this loop can drive
 */
export function describeDecoderGraph(inputs: Metadata, outputs: Metadata, path: string, configJson: JsonObject | null): DecoderGraph {
  const config = configJson ? interpretTransformersConfig(configJson) : null;
  const inputNames = inputs.map((value) => value.name);
  const outputNames = outputs.map((value) => value.name);
  const byName = (list: Metadata, name: string) => list.find((value) => value.name === name);

  const inputIds = byName(inputs, 'input_ids');
  const logits = byName(outputs, 'logits');
  if (!inputIds || !logits) {
    const missing = [!inputIds ? 'no input_ids input' : '', !logits ? 'no logits output' : ''].filter(Boolean).join(' and ');
    throw new ModelFormatError(path, `not a decoder: the graph has ${missing} (inputs: ${inputNames.join(', ') || 'none'}; outputs: ${outputNames.join(', ') || 'none'})`);
  }

  const graph: DecoderGraph = {
    inputIdsType: intType(inputIds, path),
    attentionMaskType: null,
    positionIdsType: null,
    useCacheBranch: false,
    logitsType: floatType(logits, path),
    vocabSize: null,
    kv: [],
  };
  if (logits.isTensor) {
    const last = logits.shape[logits.shape.length - 1];
    if (typeof last === 'number' && last > 0) graph.vocabSize = last;
  }

  for (const input of inputs) {
    const { name } = input;
    if (name === 'input_ids') continue;
    if (name === 'attention_mask') graph.attentionMaskType = intType(input, path);
    else if (name === 'position_ids') graph.positionIdsType = intType(input, path);
    else if (name === 'use_cache_branch') graph.useCacheBranch = true;
    else if (PAST.test(name)) graph.kv.push(kvSlot(input, outputNames, path, config));
    else {
      throw new ModelFormatError(path, `unsupported graph input "${name}": this backend feeds input_ids, attention_mask, position_ids, past_key_values.<layer>.<key|value> and use_cache_branch`);
    }
  }
  return graph;
}

function kvSlot(input: InferenceSession.ValueMetadata, outputNames: string[], path: string, config: TransformersConfig | null): KvSlot {
  const present = input.name.replace(/^past_key_values\./, 'present.');
  if (!outputNames.includes(present)) {
    throw new ModelFormatError(path, `KV-cache input ${input.name} has no matching output ${present}`);
  }
  const type = floatType(input, path);
  const shape = input.isTensor ? input.shape : [];
  if (shape.length !== 4 || typeof shape[2] === 'number') {
    throw new ModelFormatError(path, `KV-cache input ${input.name} has shape [${shape.join(', ')}]; expected [batch, kvHeads, past_seq, headDim]`);
  }
  const kvHeads = typeof shape[1] === 'number' ? shape[1] : (config?.details.kvHeads ?? null);
  const headDim = typeof shape[3] === 'number' ? shape[3] : (config?.headDim ?? null);
  if (kvHeads === null || headDim === null || !Number.isInteger(kvHeads) || !Number.isInteger(headDim)) {
    throw new ModelFormatError(path, `KV-cache input ${input.name} has shape [${shape.join(', ')}] and config.json does not give num_key_value_heads and head_dim`);
  }
  return { past: input.name, present, type, kvHeads, headDim };
}

function intType(value: InferenceSession.ValueMetadata, path: string): IntType {
  if (value.isTensor && (value.type === 'int64' || value.type === 'int32')) return value.type;
  throw new ModelFormatError(path, `input ${value.name} has element type ${value.isTensor ? value.type : 'non-tensor'}; expected int64 or int32`);
}

function floatType(value: InferenceSession.ValueMetadata, path: string): FloatType {
  if (value.isTensor && (value.type === 'float32' || value.type === 'float16')) return value.type;
  throw new ModelFormatError(path, `${value.name} has element type ${value.isTensor ? value.type : 'non-tensor'}; expected float32 or float16`);
}
