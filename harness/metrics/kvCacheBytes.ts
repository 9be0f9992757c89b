/**
 * Bytes of the key/value cache that holds `tokens` positions of context: every layer stores a key and a
 * value vector per KV head per position, so layers × 2 × kvHeads × headDim × tokens × bytes per element.
 */
import type { KvShape } from '../../adapters/formats/DecodeFacts.js';

/** The shape facts the KV cache depends on. */
export interface KvCacheShape extends KvShape {
  /**
   * Bytes per cached element: 4 for f32, 2 for f16/bf16 (llama.cpp's default), 34/32 for q8_0, 18/32
   * for q4_0 (the ggml type table's `ggmlBytesPerElement`); the backend states it
   * (`RuntimeModelInfo.kvBytesPerElement`). Default: 2.
   */
  bytesPerElement?: number;
}

/** layers × 2 × kvHeads × headDim × tokens × bytesPerElement. */
export function kvCacheBytes(shape: KvCacheShape, tokens: number): number {
  const { layers, kvHeads, headDim } = shape;
  const bytesPerElement = shape.bytesPerElement ?? 2;
  for (const [name, value] of Object.entries({ layers, kvHeads, headDim, tokens })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`KV cache ${name} ${value} must be an integer ≥ 0`);
  }
  if (!(bytesPerElement > 0)) throw new RangeError(`KV cache bytesPerElement ${bytesPerElement} must be > 0`);
  return layers * 2 * kvHeads * headDim * tokens * bytesPerElement;
}
