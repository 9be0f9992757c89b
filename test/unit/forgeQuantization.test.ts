/**
 * The forge's ggml encodings: F16 conversion (round to nearest even, subnormals, overflow), Q8_0 and
 * Q4_0 blocks. Expected bytes are worked out by hand from ggml's reference `quantize_row_q8_0_ref` /
 * `quantize_row_q4_0_ref`, except the "realistic block" cases, whose bytes come from an independent
 * float32 numpy implementation of the same reference functions.
 */
import { describe, expect, it } from 'vitest';
import { encodeGgmlTensor, ggmlTensorByteLength } from '../../harness/forge/encodeGgmlTensor.js';
import { encodeFloat16, float16ToFloat32, float32ToFloat16 } from '../../harness/forge/float32ToFloat16.js';
import { quantizeQ4_0 } from '../../harness/forge/quantizeQ4_0.js';
import { quantizeQ8_0 } from '../../harness/forge/quantizeQ8_0.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A block of 32 values: the given ones first, zeros after. */
function block(values: number[]): Float32Array {
  const out = new Float32Array(32);
  out.set(values);
  return out;
}

/** A 32-value block of "realistic" weights: sin(1.7 j)·0.3 + 0.01 j − 0.1, rounded to float32. */
const REALISTIC = Float32Array.from({ length: 32 }, (_, j) => Math.sin(j * 1.7) * 0.3 + 0.01 * j - 0.1);

describe('float32ToFloat16', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [0.02, 0x251f],
    [65504, 0x7bff],
    [65519, 0x7bff],
    [65520, 0x7c00], // halfway to 2^16: ties to even, the even neighbour is infinity
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [0, 0x0000],
    [-0, 0x8000],
    [2 ** -14, 0x0400], // smallest normal
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [2 ** -14 - 2 ** -25, 0x0400], // halfway between them: even wins
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // half of it: ties to even (0)
    [1.5 * 2 ** -24, 0x0002], // tie between 1 and 2 units: 2
    [2.5 * 2 ** -24, 0x0002], // tie between 2 and 3 units: 2
    [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
  ])('%d → %i', (value, bits) => {
    expect(float32ToFloat16(value).toString(16)).toBe(bits.toString(16));
  });

  it('keeps NaN a NaN', () => {
    expect(float32ToFloat16(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16(NaN) & 0x03ff).not.toBe(0);
  });

  it('round-trips every binary16 value exactly', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16ToFloat32(bits);
      if (!Number.isNaN(value) && float32ToFloat16(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('encodes arrays value by value', () => {
    expect(Array.from(encodeFloat16(Float32Array.of(1, -2, 0.5)))).toEqual([0x3c00, 0xc000, 0x3800]);
  });
});

describe('quantizeQ8_0', () => {
  it('scales by max|x|/127 and rounds halves away from zero', () => {
    // d = 127/127 = 1 → f16 0x3c00; q = roundf(x).
    const bytes = quantizeQ8_0(block([127, -127, 63.5, -63.5, 0.5, -0.5, 1]));
    expect(hex(bytes)).toBe(`003c` + `7f8140c001ff01` + '00'.repeat(25));
  });

  it('uses the float32 reciprocal of d', () => {
    // amax 254 → d = 2 (f16 0x4000), id = 0.5: 3 → 1.5 → 2, −5 → −2.5 → −3, 1 → 0.5 → 1.
    const bytes = quantizeQ8_0(block([254, 3, -5, 1]));
    expect(hex(bytes)).toBe(`0040` + `7f02fd01` + '00'.repeat(28));
  });

  it('writes an all-zero block as zeros', () => {
    expect(hex(quantizeQ8_0(new Float32Array(32)))).toBe('00'.repeat(34));
  });

  it('matches the numpy reference on a realistic block', () => {
    expect(hex(quantizeQ8_0(REALISTIC))).toBe('4b1be43ad49e1935bac3431faff65affb92c5be2d95a49d209782bd63f7f0cf07172');
  });

  it('writes blocks one after another and rejects partial blocks', () => {
    const two = new Float32Array(64);
    two.set(REALISTIC, 32);
    expect(hex(quantizeQ8_0(two))).toBe('00'.repeat(34) + hex(quantizeQ8_0(REALISTIC)));
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(RangeError);
  });
});

describe('quantizeQ4_0', () => {
  it('scales by the signed extreme / −8, truncates x/d + 8.5, clamps at 15 and packs j | j+16 << 4', () => {
    // max = −8 (largest magnitude, sign kept) → d = 1 (f16 0x3c00), id = 1.
    const low = [-8, 7, 7.5, 0, -0.5, 0.49, 0.5, -3.2, 1, 2, 3, 4, 5, 6, -1, -2];
    // codes: 0 15 15(16 clamped) 8 8 8 9 5 9 10 11 12 13 14 7 6
    const high = [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -7.9];
    // codes: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0
    const bytes = quantizeQ4_0(block([...low, ...high]));
    expect(hex(bytes)).toBe('003c' + '102f3f485868798599aabbccddeef706');
  });

  it('keeps the first value on a magnitude tie', () => {
    // −16 (index 3) wins over 16 (index 5): d = 2 (f16 0x4000), id = 0.5; 16 → 16.5 → 15; 4 → 10.
    const values = block([]);
    values[3] = -16;
    values[5] = 16;
    values[20] = 4;
    expect(hex(quantizeQ4_0(values))).toBe('0040' + '888888' + '80' + 'a8' + '8f' + '88'.repeat(10));
  });

  it('writes an all-zero block with d = −0 and codes 8', () => {
    // 0 / −8 = −0 in float32 → f16 0x8000; id = 0; every code 8.
    expect(hex(quantizeQ4_0(new Float32Array(32)))).toBe('0080' + '88'.repeat(16));
  });

  it('matches the numpy reference on a realistic block', () => {
    expect(hex(quantizeQ4_0(REALISTIC))).toBe('3cab2aa4ab2e36b57c0c54b64d0972981c15');
  });
});

describe('encodeGgmlTensor', () => {
  it('gives the byte sizes GGUF tensor infos promise', () => {
    const values = REALISTIC;
    for (const type of ['F32', 'F16', 'Q8_0', 'Q4_0'] as const) {
      expect(encodeGgmlTensor(values, type).length).toBe(ggmlTensorByteLength(type, 32));
    }
    expect(ggmlTensorByteLength('Q4_0', 64)).toBe(36);
    expect(ggmlTensorByteLength('Q8_0', 64)).toBe(68);
    expect(() => ggmlTensorByteLength('Q4_0', 48)).toThrow(RangeError);
  });
});
