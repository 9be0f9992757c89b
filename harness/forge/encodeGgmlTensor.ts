/**
 * Tensor data in the ggml types the forge writes: F32, F16, Q8_0 and Q4_0, with the ggml type codes and
 * byte sizes that GGUF tensor infos carry.
 */
import { encodeFloat16 } from './float32ToFloat16.js';
import { Q4_0_BLOCK_BYTES, Q4_0_BLOCK_VALUES, quantizeQ4_0 } from './quantizeQ4_0.js';
import { Q8_0_BLOCK_BYTES, Q8_0_BLOCK_VALUES, quantizeQ8_0 } from './quantizeQ8_0.js';

/** The ggml tensor types the forge writes. */
export type GgmlTypeName = 'F32' | 'F16' | 'Q8_0' | 'Q4_0';

/** `enum ggml_type` codes (ggml.h). */
export const GGML_TYPE_CODES: Readonly<Record<GgmlTypeName, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 };

/** Values per block and bytes per block of each type (1 value a block for F32/F16). */
export const GGML_BLOCKS: Readonly<Record<GgmlTypeName, { values: number; bytes: number }>> = {
  F32: { values: 1, bytes: 4 },
  F16: { values: 1, bytes: 2 },
  Q8_0: { values: Q8_0_BLOCK_VALUES, bytes: Q8_0_BLOCK_BYTES },
  Q4_0: { values: Q4_0_BLOCK_VALUES, bytes: Q4_0_BLOCK_BYTES },
};

/** Bytes of a tensor of `elements` values in `type` (`elements` must fill whole blocks). */
export function ggmlTensorByteLength(type: GgmlTypeName, elements: number): number {
  const block = GGML_BLOCKS[type];
  if (elements % block.values !== 0) throw new RangeError(`${type} needs a multiple of ${block.values} values, got ${elements}`);
  return (elements / block.values) * block.bytes;
}

/** Encodes float32 values (row-major, rows along ggml's ne0) as `type`; little-endian host assumed. */
export function encodeGgmlTensor(values: Float32Array, type: GgmlTypeName): Uint8Array {
  switch (type) {
    case 'F32':
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case 'F16': {
      const half = encodeFloat16(values);
      return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
    }
    case 'Q8_0':
      return quantizeQ8_0(values);
    case 'Q4_0':
      return quantizeQ4_0(values);
  }
}
