/**
 * ggml's Q4_0 block quantization, bit-exact with `quantize_row_q4_0_ref`: blocks of 32 values, each stored
 * as an f16 scale `d = max / -8` (`max` = the value of largest magnitude, sign kept; the first one on a
 * tie) followed by 16 bytes of 4-bit codes `q = min(15, (int8)(x * (1/d) + 8.5))`, value j in the low
 * nibble of byte j and value j + 16 in its high nibble (18 bytes a block). All arithmetic is float32.
 */
import { float32ToFloat16 } from './float32ToFloat16.js';

/** Values per Q4_0 block. */
export const Q4_0_BLOCK_VALUES = 32;
/** Bytes per Q4_0 block: f16 scale + 16 bytes of nibbles. */
export const Q4_0_BLOCK_BYTES = 18;

/** Quantizes `values` (length a multiple of 32) to Q4_0 blocks. */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  if (values.length % Q4_0_BLOCK_VALUES !== 0) {
    throw new RangeError(`Q4_0 needs a multiple of ${Q4_0_BLOCK_VALUES} values, got ${values.length}`);
  }
  const blocks = values.length / Q4_0_BLOCK_VALUES;
  const out = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  const fround = Math.fround;
  const halfBlock = Q4_0_BLOCK_VALUES / 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * Q4_0_BLOCK_VALUES;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK_VALUES; j++) {
      const v = values[start + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = fround(max / -8);
    const id = d !== 0 ? fround(1 / d) : 0;
    const half = float32ToFloat16(d);
    const o = b * Q4_0_BLOCK_BYTES;
    out[o] = half & 0xff;
    out[o + 1] = half >>> 8;
    for (let j = 0; j < halfBlock; j++) {
      const low = code(fround(fround(values[start + j]! * id) + 8.5));
      const high = code(fround(fround(values[start + halfBlock + j]! * id) + 8.5));
      out[o + 2 + j] = low | (high << 4);
    }
  }
  return out;
}

/** `MIN(15, (int8_t)x)` for the x in about [0.5, 16.5] that Q4_0 produces: truncation toward zero. */
function code(x: number): number {
  return Math.max(0, Math.min(15, Math.trunc(x)));
}
