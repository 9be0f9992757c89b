import { describe, expect, it } from 'vitest';
import { float16ToFloat32, halfBitsToNumber, halfTable } from '../../adapters/onnxruntime/float16ToFloat32.js';

/** Half → float32 by moving the bit fields into a float32 pattern (normals, ±Inf, NaN). */
function viaFloat32Bits(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = (bits & 0x3ff) << 13;
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (sign | ((exponent === 0x1f ? 0xff : exponent - 15 + 127) << 23) | fraction) >>> 0);
  return view.getFloat32(0);
}

describe('float16ToFloat32', () => {
  it('converts known bit patterns exactly', () => {
    const cases: [number, number][] = [
      [0x0000, 0],
      [0x3c00, 1],
      [0xbc00, -1],
      [0x4000, 2],
      [0x3800, 0.5],
      [0x3c01, 1.0009765625],
      [0x3555, 0.333251953125],
      [0x7bff, 65504],
      [0xfbff, -65504],
      [0x0400, 2 ** -14],
      [0x03ff, 1023 * 2 ** -24],
      [0x0001, 2 ** -24],
      [0x8001, -(2 ** -24)],
      [0x0200, 2 ** -15],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    for (const [bits, value] of cases) expect(halfBitsToNumber(bits)).toBe(value);
    expect(Object.is(halfBitsToNumber(0x8000), -0)).toBe(true);
    for (const nan of [0x7e00, 0x7c01, 0xfe00, 0xffff]) expect(halfBitsToNumber(nan)).toBeNaN();
  });

  it('agrees with a bit-field conversion on every normal, infinite and NaN pattern, and converts arrays', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const converted = float16ToFloat32(all);
    const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
    const mismatches: string[] = [];
    let checked = 0;
    for (let bits = 0; bits < 65536; bits++) {
      const value = converted[bits]!;
      if (!same(value, halfBitsToNumber(bits))) mismatches.push(`table 0x${bits.toString(16)}`);
      // subnormals and zeros: ±fraction × 2⁻²⁴ (exactly representable in float32); the rest by bit fields
      const expected = ((bits >>> 10) & 0x1f) === 0 ? (bits & 0x8000 ? -1 : 1) * (bits & 0x3ff) * 2 ** -24 : viaFloat32Bits(bits);
      if (!same(value, expected)) mismatches.push(`0x${bits.toString(16)}: ${value} ≠ ${expected}`);
      checked++;
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(65536);
    expect(halfTable()).toHaveLength(65536);
  });

  it('writes into a given array and refuses a short one', () => {
    const out = new Float32Array(3);
    expect(float16ToFloat32(Uint16Array.of(0x3c00, 0xc000), out)).toBe(out);
    expect(Array.from(out)).toEqual([1, -2, 0]);
    expect(() => float16ToFloat32(Uint16Array.of(1, 2, 3), new Float32Array(2))).toThrow(RangeError);
  });
});
