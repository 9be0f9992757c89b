/**
 * GGUF Q8_0 blocks repacked for ONNX Runtime's `com.microsoft` 8-bit operators (`MatMulNBits` and
 * `GatherBlockQuantized` with `bits = 8`, block size 32, no zero-point input so the zero point is
 * 2^(8−1) = 128): the same codes and the same scales, so the ONNX weights dequantize to exactly the values
 * llama.cpp reads from the GGUF.
 *
 * A Q8_0 block is an f16 scale `d` and 32 int8 codes `q`; the value is `d · q`. ONNX Runtime's 8-bit
 * blocks hold unsigned codes `u` (one byte per value, in order) and dequantize to `scale · (u − 128)`, so
 * `u = q + 128` (q ∈ [−127, 127] → u ∈ [1, 255]) and `scale = d` (the f16 scale widened exactly to
 * float32). Blocks stay in order: row-major `[rows, cols]` with blocks along a row gives
 * `[rows, cols/32, 32]` codes and `[rows, cols/32]` scales, the layout `MatMulNBits` takes for its
 * `[N, K]` weight.
 */
import { float16ToFloat32 } from './float32ToFloat16.js';
import { Q8_0_BLOCK_BYTES, Q8_0_BLOCK_VALUES } from './quantizeQ8_0.js';

/** Bytes of codes per block: one a value. */
export const ONNX_Q8_BLOB_BYTES = Q8_0_BLOCK_VALUES;

/** ONNX Runtime's default zero point of 8-bit blocks (no zero-point input). */
export const ONNX_Q8_ZERO_POINT = 128;

/** Q8_0 blocks split into ONNX Runtime's unsigned codes and float32 scales. */
export interface OnnxQ8Blocks {
  /** 32 bytes a block: the Q8_0 code + 128. */
  codes: Uint8Array;
  /** One scale a block. */
  scales: Float32Array;
}

/** Repacks Q8_0 bytes (34 a block) for ONNX Runtime. */
export function repackQ8_0(blocks: Uint8Array): OnnxQ8Blocks {
  if (blocks.length % Q8_0_BLOCK_BYTES !== 0) {
    throw new RangeError(`Q8_0 data must be whole ${Q8_0_BLOCK_BYTES}-byte blocks, got ${blocks.length} bytes`);
  }
  const count = blocks.length / Q8_0_BLOCK_BYTES;
  const codes = new Uint8Array(count * ONNX_Q8_BLOB_BYTES);
  const scales = new Float32Array(count);
  for (let b = 0; b < count; b++) {
    const o = b * Q8_0_BLOCK_BYTES;
    scales[b] = float16ToFloat32(blocks[o]! | (blocks[o + 1]! << 8));
    for (let j = 0; j < ONNX_Q8_BLOB_BYTES; j++) {
      // The int8 code's byte is q mod 256; flipping its sign bit adds 128 modulo 256.
      codes[b * ONNX_Q8_BLOB_BYTES + j] = blocks[o + 2 + j]! ^ 0x80;
    }
  }
  return { codes, scales };
}
