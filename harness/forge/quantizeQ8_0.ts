/**
 * ggml's Q8_0 block quantization, bit-exact with `quantize_row_q8_0_ref`: blocks of 32 values, each stored
 * as an f16 scale `d = max|x| / 127` followed by 32 int8 `q = roundf(x * (1/d))` (34 bytes a block). All
 * arithmetic is float32, as in C.
 */
import { float32ToFloat16 } from './float32ToFloat16.js';

/** Values per Q8_0 block. */
export const Q8_0_BLOCK_VALUES = 32;
/** Bytes per Q8_0 block: f16 scale + 32 int8. */
export const Q8_0_BLOCK_BYTES = 34;

/** Quantizes `values` (length a multiple of 32) to Q8_0 blocks. */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK_VALUES !== 0) {
    throw new RangeError(`Q8_0 needs a multiple of ${Q8_0_BLOCK_VALUES} values, got ${values.length}`);
  }
  const blocks = values.length / Q8_0_BLOCK_VALUES;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const signed = new Int8Array(out.buffer);
  const fround = Math.fround;
  for (let b = 0; b < blocks; b++) {
    const start = b * Q8_0_BLOCK_VALUES;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK_VALUES; j++) {
      const a = Math.abs(values[start + j]!);
      if (a > amax) amax = a;
    }
    const d = fround(amax / 127);
    const id = d !== 0 ? fround(1 / d) : 0;
    const half = float32ToFloat16(d);
    const o = b * Q8_0_BLOCK_BYTES;
    out[o] = half & 0xff;
    out[o + 1] = half >>> 8;
    for (let j = 0; j < Q8_0_BLOCK_VALUES; j++) {
      const x = fround(values[start + j]! * id);
      // roundf (halves away from zero): x ± 0.5 is exact in double for a float32 x, then truncate.
      signed[o + 2 + j] = (x < 0 ? x - 0.5 : x + 0.5) | 0;
    }
  }
  return out;
}
