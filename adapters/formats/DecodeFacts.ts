/**
 * What one decode step of a model reads, as its weights file states it: the weight bytes (one row of each
 * lookup table, every other weight in full) and the KV cache's shape. A format computes it from its own
 * file ({@link ModelFormatDefinition.decodeFacts}); the decode roofline divides bandwidth by it.
 */
import type { DecodeWeightBytes } from './decodeWeightBytes.js';

/** The KV cache's shape: elements per token per layer = 2 × kvHeads × headDim. */
export interface KvShape {
  /** Transformer blocks. */
  layers: number;
  /** Key/value heads (equal to the query heads without grouped-query attention). */
  kvHeads: number;
  /** Width of one head. */
  headDim: number;
}

/** Decode facts of a model. */
export interface DecodeFacts {
  weights: DecodeWeightBytes;
  kv: KvShape;
  /** Where the facts came from. */
  source: 'gguf tensor list' | 'onnx initializers';
}
