/**
 * IEEE 754 half precision → single precision. onnxruntime-node hands float16 tensor data over as the raw
 * 16-bit patterns in a Uint16Array (Node 20 has no Float16Array), so slmbench converts them itself.
 */

/**
 * The value of one half-precision bit pattern: normal numbers, subnormals (exponent field 0:
 * fraction × 2⁻²⁴), signed zeros, ±Infinity and NaN. Every half value is exactly representable as a
 * JavaScript number and as a float32.
 */
export function halfBitsToNumber(bits: number): number {
  const negative = (bits & 0x8000) !== 0;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  let magnitude: number;
  if (exponent === 0) magnitude = fraction * 2 ** -24;
  else if (exponent === 0x1f) magnitude = fraction === 0 ? Infinity : NaN;
  else magnitude = (1024 + fraction) * 2 ** (exponent - 25);
  return negative ? -magnitude : magnitude;
}

let table: Float32Array | null = null;

/**
 * All 65,536 half values as float32, indexed by bit pattern; built once on first use (256 KiB).
 * {@link float16ToFloat32} converts through it. Do not write to it.
 */
export function halfTable(): Float32Array {
  if (table === null) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = halfBitsToNumber(bits);
  }
  return table;
}

/**
 * Converts half-precision bit patterns to float32 values.
 * @param bits the raw float16 data (for example an onnxruntime-node float16 tensor's `data`)
 * @param out where to write; a new array of the same length when omitted. Must be at least as long.
 * @returns `out` (or the new array) holding the converted values
 */
export function float16ToFloat32(bits: Uint16Array, out?: Float32Array): Float32Array {
  const target = out ?? new Float32Array(bits.length);
  if (target.length < bits.length) throw new RangeError(`output holds ${target.length} values, ${bits.length} needed`);
  const values = halfTable();
  for (let i = 0; i < bits.length; i++) target[i] = values[bits[i]!]!;
  return target;
}

