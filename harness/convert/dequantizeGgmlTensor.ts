/**
 * ggml tensor data → float32, exactly as ggml's reference dequantization computes it:
 * - F32: as stored;
 * - F16: IEEE binary16 widened (exact);
 * - Q8_0: blocks of 32 = f16 scale d + 32 int8 q, value `d·q` (float32 product);
 * - Q4_0: blocks of 32 = f16 scale d + 16 bytes, value j = `d·(low nibble of byte j − 8)`, value j + 16 =
 *   `d·(high nibble of byte j − 8)`.
 */
import type { GgmlTypeName } from '../forge/encodeGgmlTensor.js';
import { float16ToFloat32 } from '../forge/float32ToFloat16.js';

let halfTable: Float32Array | null = null;

/** Every binary16 bit pattern's value (256 KiB, built once). */
function halfValues(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16ToFloat32(bits);
  }
  return halfTable;
}

/** Dequantizes `elements` values of `type` from `bytes` (little-endian, as GGUF stores them). */
export function dequantizeGgmlTensor(bytes: Uint8Array, type: GgmlTypeName, elements: number): Float32Array {
  const out = new Float32Array(elements);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const half = halfValues();
  const need = (n: number): void => {
    if (bytes.length < n) throw new RangeError(`${type}: ${elements} values need ${n} bytes, got ${bytes.length}`);
  };
  switch (type) {
    case 'F32':
      need(elements * 4);
      for (let i = 0; i < elements; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F16':
      need(elements * 2);
      for (let i = 0; i < elements; i++) out[i] = half[view.getUint16(i * 2, true)]!;
      return out;
    case 'Q8_0': {
      if (elements % 32 !== 0) throw new RangeError(`Q8_0 needs a multiple of 32 values, got ${elements}`);
      need((elements / 32) * 34);
      for (let b = 0; b < elements / 32; b++) {
        const o = b * 34;
        const d = half[view.getUint16(o, true)]!;
        for (let j = 0; j < 32; j++) out[b * 32 + j] = d * view.getInt8(o + 2 + j);
      }
      return out;
    }
    case 'Q4_0': {
      if (elements % 32 !== 0) throw new RangeError(`Q4_0 needs a multiple of 32 values, got ${elements}`);
      need((elements / 32) * 18);
      for (let b = 0; b < elements / 32; b++) {
        const o = b * 18;
        const d = half[view.getUint16(o, true)]!;
        for (let j = 0; j < 16; j++) {
          const byte = bytes[o + 2 + j]!;
          out[b * 32 + j] = d * ((byte & 0x0f) - 8);
          out[b * 32 + 16 + j] = d * ((byte >>> 4) - 8);
        }
      }
      return out;
    }
  }
}
