/**
 * Tensor data in the ggml types the forge writes: F32, F16, Q8_0 and Q4_0, with the ggml type codes and
 * byte sizes that GGUF tensor infos carry (from the GGUF module's one type table, `ggmlTypes`).
 */
import { ggmlTypeOfName } from '../../adapters/formats/gguf/ggmlTypes.js';
import { encodeFloat16 } from './float32ToFloat16.js';
import { quantizeQ4_0 } from './quantizeQ4_0.js';
import { quantizeQ8_0 } from './quantizeQ8_0.js';

/** The ggml tensor types the forge writes. */
export type GgmlTypeName = 'F32' | 'F16' | 'Q8_0' | 'Q4_0';

/** The forge's types in the ggml table. */
const WRITTEN = (['F32', 'F16', 'Q4_0', 'Q8_0'] as const).map((name) => {
  const type = ggmlTypeOfName(name);
  if (!type?.layout) throw new Error(`internal: ggml type ${name} missing from the type table`);
  return { name, code: type.code, values: type.layout[0], bytes: type.layout[1] };
});

/** `enum ggml_type` codes (ggml.h). */
export const GGML_TYPE_CODES: Readonly<Record<GgmlTypeName, number>> = Object.fromEntries(WRITTEN.map((t) => [t.name, t.code])) as Record<GgmlTypeName, number>;

/** Values per block and bytes per block of each type (1 value a block for F32/F16). */
export const GGML_BLOCKS: Readonly<Record<GgmlTypeName, { values: number; bytes: number }>> = Object.fromEntries(
  WRITTEN.map((t) => [t.name, { values: t.values, bytes: t.bytes }]),
) as Record<GgmlTypeName, { values: number; bytes: number }>;

/** The forge type of ggml code `code`, or null for a type the forge does not write. */
export function forgeGgmlType(code: number): GgmlTypeName | null {
  return WRITTEN.find((t) => t.code === code)?.name ?? null;
}

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
