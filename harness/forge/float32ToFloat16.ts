/**
 * IEEE 754 binary32 → binary16 conversion with round-to-nearest-even, subnormals, infinities and NaN,
 * the rounding of ggml's `GGML_FP32_TO_FP16` (F16C `vcvtps2ph` with rounding mode 0, or its portable
 * bit-exact fallback).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern of `value` (first rounded to float32), round-to-nearest-even. */
export function float32ToFloat16(value: number): number {
  f32[0] = value;
  return halfFromSingleBits(u32[0]!);
}

/** The binary16 bit pattern of the binary32 value with bit pattern `bits`. */
function halfFromSingleBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    // Infinity, or NaN kept quiet with its top payload bits.
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  }
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): value / 2^-24 = (1.mantissa) × 2^(e − 14) in units of the smallest subnormal.
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest === midpoint && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa moves into the exponent, up to infinity: exactly what rounding needs.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The value of a binary16 bit pattern. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts a float32 array to binary16 values (host byte order; the forge runs on little-endian hosts). */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromSingleBits(bits[i]!);
  return out;
}
