/**
 * GGUF Q4_0 blocks repacked for ONNX Runtime's `com.microsoft` 4-bit operators (`MatMulNBits`,
 * `GatherBlockQuantized`, block size 32, no zero-point input so the zero point is 8): the same codes and
 * the same scales, so the ONNX weights dequantize to exactly the values llama.cpp reads from the GGUF.
 *
 * A Q4_0 block is an f16 scale `d` and 16 bytes where value j sits in the low nibble of byte j and value
 * j + 16 in its high nibble; the value is `d · (code − 8)`. ONNX Runtime packs value 2i in the low nibble
 * of byte i and value 2i + 1 in its high nibble, and keeps the scales apart (float32 here: the f16 scale
 * widened exactly). Blocks stay in order: row-major `[rows, cols]` with blocks along a row gives
 * `[rows, cols/32, 16]` codes and `[rows, cols/32]` scales, the layout `MatMulNBits` takes for its
 * `[N, K]` weight.
 */
import { float16ToFloat32 } from './float32ToFloat16.js';
import { Q4_0_BLOCK_BYTES, Q4_0_BLOCK_VALUES } from './quantizeQ4_0.js';

/** Bytes of packed codes per block. */
export const ONNX_Q4_BLOB_BYTES = Q4_0_BLOCK_VALUES / 2;

/** Q4_0 blocks split into ONNX Runtime's packed codes and float32 scales. */
export interface OnnxQ4Blocks {
  /** 16 bytes a block, value 2i in the low nibble of byte i. */
  codes: Uint8Array;
  /** One scale a block. */
  scales: Float32Array;
}

/** Repacks Q4_0 bytes (18 a block) for ONNX Runtime. */
export function repackQ4_0(blocks: Uint8Array): OnnxQ4Blocks {
  if (blocks.length % Q4_0_BLOCK_BYTES !== 0) {
    throw new RangeError(`Q4_0 data must be whole ${Q4_0_BLOCK_BYTES}-byte blocks, got ${blocks.length} bytes`);
  }
  const count = blocks.length / Q4_0_BLOCK_BYTES;
  const codes = new Uint8Array(count * ONNX_Q4_BLOB_BYTES);
  const scales = new Float32Array(count);
  const half = Q4_0_BLOCK_VALUES / 2;
  const nibble = (block: number, j: number): number => {
    const byte = blocks[block * Q4_0_BLOCK_BYTES + 2 + (j % half)]!;
    return j < half ? byte & 0x0f : byte >>> 4;
  };
  for (let b = 0; b < count; b++) {
    const o = b * Q4_0_BLOCK_BYTES;
    scales[b] = float16ToFloat32(blocks[o]! | (blocks[o + 1]! << 8));
    for (let i = 0; i < ONNX_Q4_BLOB_BYTES; i++) {
      codes[b * ONNX_Q4_BLOB_BYTES + i] = nibble(b, 2 * i) | (nibble(b, 2 * i + 1) << 4);
    }
  }
  return { codes, scales };
}
