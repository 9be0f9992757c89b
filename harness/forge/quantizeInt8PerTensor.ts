/**
 * Symmetric per-tensor int8 quantization, the weight recipe of transformers.js's `q8` files (ONNX
 * Runtime's dynamic quantizer with `QInt8` weights and `per_channel` off): one float32 scale
 * `d = max|x| / 127` for the whole tensor, zero point 0, codes `q = round(x / d)` in [−127, 127].
 * Rounding is ggml's `roundf(x * (1/d))` (halves away from zero), in float32 arithmetic, as the forge's
 * Q8_0 uses; ONNX Runtime's quantizer rounds halves to even, which differs only on exact halves.
 */

/** Codes and scale of one tensor. */
export interface Int8Tensor {
  /** One code per value, in the order of the input. */
  codes: Int8Array;
  /** The tensor's scale (float32 value); 0 when every value is 0. */
  scale: number;
}

/** Quantizes `values` with one symmetric scale. */
export function quantizeInt8PerTensor(values: Float32Array): Int8Tensor {
  let amax = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > amax) amax = a;
  }
  const fround = Math.fround;
  const scale = fround(amax / 127);
  const inverse = scale !== 0 ? fround(1 / scale) : 0;
  const codes = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = fround(values[i]! * inverse);
    // Clamped: x·(1/d) may round to just above 127 for the largest value.
    codes[i] = Math.max(-127, Math.min(127, (x < 0 ? x - 0.5 : x + 0.5) | 0));
  }
  return { codes, scale };
}
