/**
 * Bytes of the key/value cache that holds `tokens` positions of context: every layer stores a key and a
 * value vector per KV head per position, so layers × 2 × kvHeads × headDim × tokens × bytes per element.
 */

/** The shape facts the KV cache depends on. */
export interface KvCacheShape {
  /** Transformer blocks. */
  layers: number;
  /** Key/value heads (equal to the query heads without grouped-query attention). */
  kvHeads: number;
  /** Width of one head (hidden size ÷ query heads for most models). */
  headDim: number;
  /**
   * Bytes per cached element: 4 for f32, 2 for f16/bf16 (llama.cpp's default), 34/32 for q8_0, 18/32
   * for q4_0 ({@link KV_CACHE_TYPE_BYTES}). Default: 2.
   */
  bytesPerElement?: number;
}

/** Bytes per element of the KV cache types llama.cpp offers (ggml block bytes ÷ block elements). */
export const KV_CACHE_TYPE_BYTES: Readonly<Record<string, number>> = {
  f32: 4,
  f16: 2,
  bf16: 2,
  q8_0: 34 / 32,
  q5_1: 24 / 32,
  q5_0: 22 / 32,
  q4_1: 20 / 32,
  q4_0: 18 / 32,
};

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
