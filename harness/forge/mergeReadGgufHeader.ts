/**
 * Reads the header of a GGUF file (v2 or v3) with every metadata value's GGUF type kept, so that the
 * merge can write the metadata back as it was (node-llama-cpp's reader turns every number into a JS
 * number and loses whether it was uint32, int32 or float32), and the tensor infos with the absolute
 * offset and byte length of each tensor's data. Values the GGUF writer (`encodeGgufHeader`) cannot write
 * (8-, 16- and 64-bit signed/float types, bool and nested arrays) are kept as `unsupported` with a
 * description, so that they are refused only when a merge would have to write them.
 *
 * Checked here: the magic, the version, that the header and every tensor's data lie inside the file, that
 * strings are valid UTF-8.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { ModelFormatError, ModelNotFoundError } from '../errors.js';
import { alignUp, type GgufValue } from './encodeGgufHeader.js';
import { GGML_TYPE_CODES, ggmlTensorByteLength, type GgmlTypeName } from './encodeGgmlTensor.js';

/** A metadata value the GGUF writer cannot write, described for the error message. */
export interface UnsupportedGgufValue {
  type: 'unsupported';
  /** The GGUF type, e.g. `uint8 array`. */
  description: string;
}

/** A metadata value as read. */
export type MergeGgufValue = GgufValue | UnsupportedGgufValue;

/** A tensor's info. */
export interface MergeGgufTensor {
  name: string;
  /** ggml dimensions, fastest-varying first (ne0 = row length). */
  dims: number[];
  /** ggml type code (`enum ggml_type`). */
  typeCode: number;
  /** The type when it is one the forge writes and the converter dequantizes (F32, F16, Q8_0, Q4_0), else null. */
  type: GgmlTypeName | null;
  /** Values in the tensor. */
  elements: number;
  /** Absolute byte offset of its data in the file. */
  fileOffset: number;
  /** Bytes of its data; 0 when `type` is null (unknown size). */
  byteLength: number;
}

/** A GGUF header, read. */
export interface MergeGgufHeader {
  path: string;
  /** File size in bytes. */
  sizeBytes: number;
  /** GGUF version (2 or 3). */
  version: number;
  /** `general.alignment`, or 32. */
  alignment: number;
  /** Metadata in file order. */
  metadata: Array<readonly [string, MergeGgufValue]>;
  /** The metadata by key. */
  values: Map<string, MergeGgufValue>;
  tensors: MergeGgufTensor[];
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

const GGUF_MAGIC = 0x46554747;
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'uint8',
  1: 'int8',
  2: 'uint16',
  3: 'int16',
  4: 'uint32',
  5: 'int32',
  6: 'float32',
  7: 'bool',
  8: 'string',
  9: 'array',
  10: 'uint64',
  11: 'int64',
  12: 'float64',
};
/** Bytes of each fixed-size value type. */
const FIXED_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const TYPE_BY_CODE = new Map(Object.entries(GGML_TYPE_CODES).map(([name, code]) => [code, name as GgmlTypeName]));
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads the header of the GGUF at `path`; see the module comment. */
export async function mergeReadGgufHeader(path: string): Promise<MergeGgufHeader> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new ModelNotFoundError(path);
    throw new ModelFormatError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  const handle = await open(path, 'r');
  try {
    const cursor = new Cursor(path, handle, sizeBytes);
    const magic = await cursor.u32();
    if (magic !== GGUF_MAGIC) throw new ModelFormatError(path, 'not a GGUF file (no GGUF magic)');
    const version = await cursor.u32();
    if (version !== 2 && version !== 3) throw new ModelFormatError(path, `GGUF version ${version} is not supported (2 and 3 are)`);
    const tensorCount = await cursor.u64('tensor count');
    const metadataCount = await cursor.u64('metadata count');
    const metadata: Array<readonly [string, MergeGgufValue]> = [];
    for (let i = 0; i < metadataCount; i++) {
      const key = await cursor.string('a metadata key');
      const type = await cursor.u32();
      metadata.push([key, await readValue(cursor, key, type)]);
    }
    const values = new Map(metadata);
    const alignmentValue = values.get('general.alignment');
    let alignment = 32;
    if (alignmentValue !== undefined) {
      if (alignmentValue.type !== 'uint32' || alignmentValue.value <= 0 || alignmentValue.value % 8 !== 0) {
        throw new ModelFormatError(path, 'metadata general.alignment is not a uint32 multiple of 8');
      }
      alignment = alignmentValue.value;
    }
    const infos: Array<Omit<MergeGgufTensor, 'fileOffset'> & { offset: number }> = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = await cursor.string('a tensor name');
      const rank = await cursor.u32();
      if (rank < 1 || rank > 4) throw new ModelFormatError(path, `tensor ${name} has ${rank} dimensions (1 to 4 expected): damaged?`);
      const dims: number[] = [];
      for (let d = 0; d < rank; d++) dims.push(await cursor.u64(`a dimension of tensor ${name}`));
      const typeCode = await cursor.u32();
      const offset = await cursor.u64(`the offset of tensor ${name}`);
      const elements = dims.reduce((a, b) => a * b, 1);
      const type = TYPE_BY_CODE.get(typeCode) ?? null;
      let byteLength = 0;
      if (type) {
        try {
          byteLength = ggmlTensorByteLength(type, elements);
        } catch (error) {
          throw new ModelFormatError(path, `tensor ${name}: ${(error as Error).message}`);
        }
      }
      infos.push({ name, dims, typeCode, type, elements, offset, byteLength });
    }
    const dataOffset = alignUp(cursor.position, alignment);
    if (dataOffset > sizeBytes) throw new ModelFormatError(path, `the header ends at byte ${dataOffset}, past the end of the file (${sizeBytes} bytes): truncated?`);
    const tensors = infos.map(({ offset, ...info }): MergeGgufTensor => {
      const fileOffset = dataOffset + offset;
      if (fileOffset + info.byteLength > sizeBytes) {
        throw new ModelFormatError(path, `tensor ${info.name} ends at byte ${fileOffset + info.byteLength}, past the end of the file (${sizeBytes} bytes): truncated?`);
      }
      return { ...info, fileOffset };
    });
    return { path, sizeBytes, version, alignment, metadata, values, tensors, dataOffset };
  } finally {
    await handle.close();
  }
}

/** The GGUF type name of a value type code, e.g. `uint32`. */
function typeName(code: number): string {
  return TYPE_NAMES[code] ?? `unknown type ${code}`;
}

async function readValue(cursor: Cursor, key: string, type: number): Promise<MergeGgufValue> {
  switch (type) {
    case 4:
      return { type: 'uint32', value: await cursor.u32() };
    case 5:
      return { type: 'int32', value: (await cursor.u32()) | 0 };
    case 6:
      return { type: 'float32', value: await cursor.f32() };
    case 7:
      return { type: 'bool', value: (await cursor.u8()) !== 0 };
    case 8:
      return { type: 'string', value: await cursor.string(`metadata ${key}`) };
    case 10: {
      const big = await cursor.u64Big();
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { type: 'unsupported', description: `uint64 ${big} (past 2^53)` };
      return { type: 'uint64', value: Number(big) };
    }
    case 9: {
      const itemType = await cursor.u32();
      const count = await cursor.u64(`the length of metadata ${key}`);
      if (itemType === 8) {
        const items: string[] = [];
        for (let i = 0; i < count; i++) items.push(await cursor.string(`metadata ${key}`));
        return { type: 'array', itemType: 'string', value: items };
      }
      const size = FIXED_BYTES[itemType];
      if (size === undefined) {
        // Nested arrays have no fixed size; skipping them would need a recursive walk no model needs.
        throw new ModelFormatError(cursor.path, `metadata ${key} is an array of ${typeName(itemType)}: not supported`);
      }
      const bytes = await cursor.bytes(size * count, `metadata ${key}`);
      const copy = new Uint8Array(bytes).buffer;
      if (itemType === 4) return { type: 'array', itemType: 'uint32', value: new Uint32Array(copy) };
      if (itemType === 5) return { type: 'array', itemType: 'int32', value: new Int32Array(copy) };
      if (itemType === 6) return { type: 'array', itemType: 'float32', value: new Float32Array(copy) };
      return { type: 'unsupported', description: `${typeName(itemType)} array` };
    }
    default: {
      const size = FIXED_BYTES[type];
      if (size === undefined) throw new ModelFormatError(cursor.path, `metadata ${key} has ${typeName(type)}: not a GGUF value type (damaged?)`);
      await cursor.bytes(size, `metadata ${key}`);
      return { type: 'unsupported', description: typeName(type) };
    }
  }
}

/** Sequential little-endian reads from a file handle through a growing buffer. */
class Cursor {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  /** Bytes of the file in `buffer` (from offset 0). */
  private filled = 0;
  /** Read position in the file. */
  position = 0;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly sizeBytes: number,
  ) {}

  async u8(): Promise<number> {
    await this.need(1, 'the header');
    return this.view.getUint8(this.advance(1));
  }
  async u32(): Promise<number> {
    await this.need(4, 'the header');
    return this.view.getUint32(this.advance(4), true);
  }
  async f32(): Promise<number> {
    await this.need(4, 'the header');
    return this.view.getFloat32(this.advance(4), true);
  }
  async u64Big(): Promise<bigint> {
    await this.need(8, 'the header');
    return this.view.getBigUint64(this.advance(8), true);
  }
  /** A uint64 used as a count, size or offset: must be a safe integer. */
  async u64(what: string): Promise<number> {
    const value = await this.u64Big();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelFormatError(this.path, `${what} is ${value}: damaged header?`);
    return Number(value);
  }
  async string(what: string): Promise<string> {
    const length = await this.u64(`the length of ${what}`);
    const bytes = await this.bytes(length, what);
    try {
      return decoder.decode(bytes);
    } catch {
      throw new ModelFormatError(this.path, `${what} is not valid UTF-8`);
    }
  }
  /** `length` bytes (a view into the buffer, valid until the next read). */
  async bytes(length: number, what: string): Promise<Uint8Array> {
    await this.need(length, what);
    const start = this.advance(length);
    return this.buffer.subarray(start, start + length);
  }

  private advance(n: number): number {
    const start = this.position;
    this.position += n;
    return start;
  }

  private async need(n: number, what: string): Promise<void> {
    const end = this.position + n;
    if (end <= this.filled) return;
    if (end > this.sizeBytes) throw new ModelFormatError(this.path, `the file ends inside ${what} (truncated GGUF?)`);
    if (end > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < end) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buffer.subarray(0, this.filled));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    while (this.filled < end) {
      const { bytesRead } = await this.handle.read(this.buffer, this.filled, this.buffer.length - this.filled, this.filled);
      if (bytesRead === 0) throw new ModelFormatError(this.path, `the file ends inside ${what} (truncated GGUF?)`);
      this.filled += bytesRead;
    }
  }
}
