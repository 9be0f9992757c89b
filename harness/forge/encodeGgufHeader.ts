/**
 * The header of a GGUF v3 file: magic, version, counts, metadata key/values and tensor infos, padded to
 * the alignment so that the tensor data section starts right after it. Tensor offsets are relative to
 * the data section and each is aligned; the caller writes the data in the same order, padding each
 * tensor to the alignment.
 */
import { GGML_TYPE_CODES, ggmlTensorByteLength, type GgmlTypeName } from './encodeGgmlTensor.js';
import type { GgufValue } from '../../adapters/formats/gguf/GgufValue.js';
import { GrowableBytes } from './GrowableBytes.js';

/** One metadata value, typed as GGUF stores it (the GGUF module's type). */
export type { GgufValue };

/** A tensor as the header describes it. */
export interface GgufTensorInfo {
  /** Tensor name, e.g. `blk.0.attn_q.weight`. */
  name: string;
  /** ggml dimensions, fastest-varying first (ne0 = row length). */
  dims: readonly number[];
  /** ggml type of the stored data. */
  type: GgmlTypeName;
}

/** The encoded header and where each tensor's data goes. */
export interface GgufHeader {
  /** Header bytes, padded to the alignment. */
  bytes: Uint8Array;
  /** Per tensor (in the order given): byte length of its data and offset inside the data section. */
  tensors: { name: string; byteLength: number; offset: number }[];
  /** Total size of the data section (each tensor padded to the alignment). */
  dataBytes: number;
}

const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
const GGUF_VERSION = 3;
const VALUE_TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10 } as const;

/** Rounds `n` up to a multiple of `alignment`. */
export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/**
 * Encodes a GGUF v3 header. `general.alignment`, when present in `metadata`, must equal `alignment`.
 */
export function encodeGgufHeader(
  metadata: ReadonlyArray<readonly [string, GgufValue]>,
  tensors: readonly GgufTensorInfo[],
  alignment = 32,
): GgufHeader {
  const out = new ByteSink();
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    if (key === 'general.alignment' && (value.type !== 'uint32' || value.value !== alignment)) {
      throw new RangeError(`general.alignment must be uint32 ${alignment}`);
    }
    out.string(key);
    writeValue(out, value);
  }
  const placed: GgufHeader['tensors'] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    const byteLength = ggmlTensorByteLength(tensor.type, elements);
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const d of tensor.dims) out.u64(d);
    out.u32(GGML_TYPE_CODES[tensor.type]);
    out.u64(offset);
    placed.push({ name: tensor.name, byteLength, offset });
    offset = alignUp(offset + byteLength, alignment);
  }
  out.padTo(alignment);
  return { bytes: out.finish(), tensors: placed, dataBytes: offset };
}

function writeValue(out: ByteSink, value: GgufValue): void {
  out.u32(VALUE_TYPE[value.type]);
  switch (value.type) {
    case 'uint32':
      out.u32(value.value);
      return;
    case 'int32':
      out.i32(value.value);
      return;
    case 'uint64':
      out.u64(value.value);
      return;
    case 'float32':
      out.f32(value.value);
      return;
    case 'bool':
      out.u8(value.value ? 1 : 0);
      return;
    case 'string':
      out.string(value.value);
      return;
    case 'array': {
      out.u32(VALUE_TYPE[value.itemType]);
      out.u64(value.value.length);
      if (value.itemType === 'string') {
        for (const s of value.value) out.string(s);
      } else {
        const write = value.itemType === 'float32' ? out.f32 : value.itemType === 'int32' ? out.i32 : out.u32;
        for (let i = 0; i < value.value.length; i++) write.call(out, value.value[i]!);
      }
    }
  }
}

const textEncoder = new TextEncoder();

/** A growable little-endian byte buffer. */
class ByteSink extends GrowableBytes {
  constructor() {
    super(1 << 16);
  }

  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  string(s: string): void {
    const bytes = textEncoder.encode(s);
    this.u64(bytes.length);
    this.append(bytes);
  }
  padTo(alignment: number): void {
    const target = alignUp(this.length, alignment);
    this.reserve(target - this.length);
    this.buffer.fill(0, this.length, target);
    this.length = target;
  }
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

}
