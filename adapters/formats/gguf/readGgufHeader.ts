/**
 * The one GGUF reader of slmbench: the header of a GGUF file (v2 or v3) with every metadata value's GGUF
 * type kept (so that a merge can write the metadata back as it was), and the tensor infos with each
 * tensor's ggml type, absolute data offset and byte length. A split model (`…-00001-of-0000N.gguf`) is
 * read part by part: metadata from the first part, tensors from all, each with the file it lies in.
 * Inspection, the decode roofline (through {@link ggufModelFacts}), `slmbench convert` and
 * `slmbench forge merge` all read GGUF through it.
 *
 * Checked here, with messages that name the file: the magic, the version, a preamble whose counts the file
 * cannot hold (a damaged count would otherwise read for ever), a header that runs past the end of the file,
 * strings that are not UTF-8, `general.alignment`, tensor ranks, and that every tensor's data lies inside
 * its file (the tensor whose data ends last is named).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelFormatError, ModelNotFoundError } from '../../../harness/errors.js';
import { ggmlTensorBytes, ggmlTypeName } from './ggmlTypes.js';
import type { GgufValue } from './GgufValue.js';

/**
 * A metadata value the GGUF writer (`encodeGgufHeader`) cannot write: 8-, 16- and 64-bit signed or float
 * scalars, arrays of those, nested arrays. `value` holds a scalar's number (a bigint past 2^53) and is
 * null for arrays; `description` names the GGUF type, e.g. `uint8 array`.
 */
export interface UnsupportedGgufValue {
  type: 'unsupported';
  description: string;
  value: number | bigint | null;
}

/** A metadata value as read. */
export type GgufReadValue = GgufValue | UnsupportedGgufValue;

/** A tensor's info. */
export interface GgufTensor {
  name: string;
  /** ggml dimensions, fastest-varying first (ne0 = row length). */
  dims: number[];
  /** ggml type code (`enum ggml_type`). */
  typeCode: number;
  /** The type's name (`Q4_K`; `type <code>` for a code ggml does not define). */
  typeName: string;
  /** Values in the tensor. */
  elements: number;
  /** Index of the part (file) that holds its data: 0 for a single file. */
  part: number;
  /** Absolute path of that file. */
  file: string;
  /** Absolute byte offset of its data in that file. */
  fileOffset: number;
  /** Bytes of its data; null when its type has no known layout. */
  byteLength: number | null;
}

/** One file of a (possibly split) GGUF model. */
export interface GgufPart {
  path: string;
  sizeBytes: number;
  version: number;
  /** `general.alignment`, or 32. */
  alignment: number;
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

/** A GGUF header, read. */
export interface GgufHeader {
  /** The path given (the first part of a split model). */
  path: string;
  /** The files: one, or every part of a split model in order. */
  parts: GgufPart[];
  /** Bytes of every part together. */
  sizeBytes: number;
  /** GGUF version of the first part (2 or 3). */
  version: number;
  /** `general.alignment` of the first part, or 32. */
  alignment: number;
  /** Absolute offset of the first part's tensor data section. */
  dataOffset: number;
  /** Metadata of the first part, in file order. */
  metadata: Array<readonly [string, GgufReadValue]>;
  /** The metadata by key. */
  values: Map<string, GgufReadValue>;
  /** Tensors of every part, in file order. */
  tensors: GgufTensor[];
}

/** Options of {@link readGgufHeader}. */
export interface ReadGgufOptions {
  /** Read every part of a split model named by its first part. Default: true. */
  parts?: boolean;
}

const GGUF_MAGIC = 0x46554747;
const PREAMBLE_BYTES = 24;
const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'uint8', 1: 'int8', 2: 'uint16', 3: 'int16', 4: 'uint32', 5: 'int32', 6: 'float32', 7: 'bool', 8: 'string', 9: 'array', 10: 'uint64', 11: 'int64', 12: 'float64',
};
/** Bytes of each fixed-size value type. */
const FIXED_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads the header of the GGUF at `path` (and of its other parts); see the module comment. */
export async function readGgufHeader(path: string, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  const first = await readPart(path, 0);
  const split = SPLIT_NAME.exec(basename(path));
  const parts = [first];
  if (options.parts !== false && split && Number(split[2]) === 1 && Number(split[3]) > 1) {
    const count = Number(split[3]);
    for (let i = 2; i <= count; i++) {
      const name = `${split[1]}-${String(i).padStart(5, '0')}-of-${split[3]}.gguf`;
      parts.push(await readPart(join(dirname(path), name), i - 1));
    }
  }
  for (const part of parts) checkTensorData(part);
  return {
    path,
    parts: parts.map((p) => p.part),
    sizeBytes: parts.reduce((n, p) => n + p.part.sizeBytes, 0),
    version: first.part.version,
    alignment: first.part.alignment,
    dataOffset: first.part.dataOffset,
    metadata: first.metadata,
    values: new Map(first.metadata),
    tensors: parts.flatMap((p) => p.tensors),
  };
}

/** A number from a metadata value: a numeric scalar, or a per-layer array's largest entry; null otherwise. */
export function ggufNumber(value: GgufReadValue | undefined): number | null {
  if (!value) return null;
  if (value.type === 'uint32' || value.type === 'int32' || value.type === 'uint64' || value.type === 'float32') return value.value;
  if (value.type === 'unsupported') return typeof value.value === 'number' ? value.value : typeof value.value === 'bigint' ? Number(value.value) : null;
  if (value.type === 'array' && value.itemType !== 'string' && value.value.length > 0) return Math.max(...Array.from(value.value));
  return null;
}

interface ReadPart {
  part: GgufPart;
  metadata: Array<readonly [string, GgufReadValue]>;
  tensors: GgufTensor[];
}

async function readPart(path: string, index: number): Promise<ReadPart> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelNotFoundError(path);
    throw new ModelFormatError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  const handle = await open(path, 'r');
  try {
    const cursor = new Cursor(path, handle, sizeBytes);
    const preamble = await cursor.available(PREAMBLE_BYTES);
    if (preamble < 4 || (await cursor.peekU32(0)) !== GGUF_MAGIC) throw new ModelFormatError(path, 'not a GGUF file (no GGUF magic)');
    if (preamble < PREAMBLE_BYTES) {
      throw new ModelFormatError(path, `truncated or damaged GGUF file: ${sizeBytes} bytes, shorter than the ${PREAMBLE_BYTES}-byte GGUF preamble`);
    }
    await cursor.u32();
    const version = await cursor.u32();
    if (version !== 2 && version !== 3) {
      throw new ModelFormatError(
        path,
        version === 1
          ? 'GGUF version 1 is not supported (llama.cpp reads versions 2 and 3; convert the file with a current llama.cpp)'
          : `damaged GGUF file: version ${version} (llama.cpp reads versions 2 and 3)`,
      );
    }
    const tensorCount = await cursor.u64Big();
    const metadataCount = await cursor.u64Big();
    // A tensor info takes at least 24 bytes (name length, rank, one dimension, type, offset), a metadata
    // entry at least 13 (key length, value type, a one-byte value).
    if (tensorCount * 24n > BigInt(sizeBytes) || metadataCount * 13n > BigInt(sizeBytes)) {
      throw new ModelFormatError(
        path,
        `truncated or damaged GGUF file: it declares ${tensorCount} tensors and ${metadataCount} metadata entries, more than its ${sizeBytes} bytes can hold`,
      );
    }
    try {
      const metadata: Array<readonly [string, GgufReadValue]> = [];
      for (let i = 0; i < metadataCount; i++) {
        const key = await cursor.string('a metadata key');
        const type = await cursor.u32();
        metadata.push([key, await readValue(cursor, key, type)]);
      }
      const alignmentValue = metadata.find(([key]) => key === 'general.alignment')?.[1];
      let alignment = 32;
      if (alignmentValue !== undefined) {
        if (alignmentValue.type !== 'uint32' || alignmentValue.value <= 0 || alignmentValue.value % 8 !== 0) {
          throw new ModelFormatError(path, 'metadata general.alignment is not a uint32 multiple of 8');
        }
        alignment = alignmentValue.value;
      }
      const infos: Array<Omit<GgufTensor, 'fileOffset'> & { offset: number }> = [];
      for (let i = 0; i < tensorCount; i++) {
        const name = await cursor.string('a tensor name');
        const rank = await cursor.u32();
        if (rank < 1 || rank > 4) throw new ModelFormatError(path, `tensor ${name} has ${rank} dimensions (1 to 4 expected): damaged?`);
        const dims: number[] = [];
        for (let d = 0; d < rank; d++) dims.push(await cursor.u64(`a dimension of tensor ${name}`));
        const typeCode = await cursor.u32();
        const offset = await cursor.u64(`the offset of tensor ${name}`);
        const elements = dims.reduce((a, b) => a * b, 1);
        infos.push({ name, dims, typeCode, typeName: ggmlTypeName(typeCode), elements, part: index, file: path, offset, byteLength: ggmlTensorBytes(typeCode, dims) });
      }
      const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
      if (dataOffset > sizeBytes) throw new HeaderPastEnd(dataOffset);
      const tensors = infos.map(({ offset, ...info }): GgufTensor => ({ ...info, fileOffset: dataOffset + offset }));
      return { part: { path, sizeBytes, version, alignment, dataOffset }, metadata, tensors };
    } catch (error) {
      if (error instanceof HeaderPastEnd) {
        throw new ModelFormatError(
          path,
          `truncated or damaged GGUF file: its header (metadata and tensor list) ends at byte ${error.end} but the file has only ${sizeBytes} bytes`,
        );
      }
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/** Every tensor's data must lie inside its file; the tensor whose data ends last is named. */
function checkTensorData({ part, tensors }: ReadPart): void {
  let end = part.dataOffset;
  let last = '';
  for (const tensor of tensors) {
    const tensorEnd = tensor.fileOffset + (tensor.byteLength ?? 0);
    if (tensorEnd > end) {
      end = tensorEnd;
      last = tensor.name;
    }
  }
  if (part.sizeBytes < end) {
    throw new ModelFormatError(
      part.path,
      `truncated or damaged GGUF file: the data of tensor "${last}" ends at byte ${end} but the file has only ${part.sizeBytes} bytes`,
    );
  }
}

/** The header runs past the end of the file: `end` is the end of the first field that does not fit. */
class HeaderPastEnd extends Error {
  constructor(readonly end: number) {
    super(`header past the end at ${end}`);
  }
}

async function readValue(cursor: Cursor, key: string, type: number): Promise<GgufReadValue> {
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
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { type: 'unsupported', description: `uint64 ${big} (past 2^53)`, value: big };
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
        if (itemType !== 9) throw new ModelFormatError(cursor.path, `metadata ${key} is an array of ${typeName(itemType)}: not a GGUF value type (damaged?)`);
        for (let i = 0; i < count; i++) await skipValue(cursor, key, 9);
        return { type: 'unsupported', description: 'nested array', value: null };
      }
      const bytes = await cursor.bytes(size * count, `metadata ${key}`);
      const copy = new Uint8Array(bytes).buffer;
      if (itemType === 4) return { type: 'array', itemType: 'uint32', value: new Uint32Array(copy) };
      if (itemType === 5) return { type: 'array', itemType: 'int32', value: new Int32Array(copy) };
      if (itemType === 6) return { type: 'array', itemType: 'float32', value: new Float32Array(copy) };
      return { type: 'unsupported', description: `${typeName(itemType)} array`, value: null };
    }
    default: {
      const size = FIXED_BYTES[type];
      if (size === undefined) throw new ModelFormatError(cursor.path, `metadata ${key} has ${typeName(type)}: not a GGUF value type (damaged?)`);
      const bytes = await cursor.bytes(size, `metadata ${key}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, size);
      const value =
        type === 0 ? view.getUint8(0)
        : type === 1 ? view.getInt8(0)
        : type === 2 ? view.getUint16(0, true)
        : type === 3 ? view.getInt16(0, true)
        : type === 11 ? view.getBigInt64(0, true)
        : view.getFloat64(0, true);
      return { type: 'unsupported', description: typeName(type), value };
    }
  }
}

/** Skips one value of `type` (arrays of arrays included). */
async function skipValue(cursor: Cursor, key: string, type: number): Promise<void> {
  if (type === 8) {
    await cursor.string(`metadata ${key}`);
    return;
  }
  if (type === 9) {
    const itemType = await cursor.u32();
    const count = await cursor.u64(`the length of metadata ${key}`);
    const size = FIXED_BYTES[itemType];
    if (size !== undefined) {
      await cursor.bytes(size * count, `metadata ${key}`);
      return;
    }
    if (itemType !== 8 && itemType !== 9) throw new ModelFormatError(cursor.path, `metadata ${key} is an array of ${typeName(itemType)}: not a GGUF value type (damaged?)`);
    for (let i = 0; i < count; i++) await skipValue(cursor, key, itemType);
    return;
  }
  const size = FIXED_BYTES[type];
  if (size === undefined) throw new ModelFormatError(cursor.path, `metadata ${key} has ${typeName(type)}: not a GGUF value type (damaged?)`);
  await cursor.bytes(size, `metadata ${key}`);
}

/** The GGUF type name of a value type code, e.g. `uint32`. */
function typeName(code: number): string {
  return TYPE_NAMES[code] ?? `unknown type ${code}`;
}

/**
 * Sequential little-endian reads from a file handle through a growing buffer. A read that would go past
 * the end of the file throws {@link HeaderPastEnd} with the end of that read.
 */
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

  /** How many of the next `n` bytes the file has (at most `n`), without moving. */
  async available(n: number): Promise<number> {
    const have = Math.min(n, this.sizeBytes - this.position);
    if (have > 0) await this.need(have);
    return Math.max(0, have);
  }
  /** The uint32 at `offset` bytes ahead, without moving (the bytes must be available). */
  async peekU32(offset: number): Promise<number> {
    return this.view.getUint32(this.position + offset, true);
  }
  async u8(): Promise<number> {
    await this.need(1);
    return this.view.getUint8(this.advance(1));
  }
  async u32(): Promise<number> {
    await this.need(4);
    return this.view.getUint32(this.advance(4), true);
  }
  async f32(): Promise<number> {
    await this.need(4);
    return this.view.getFloat32(this.advance(4), true);
  }
  async u64Big(): Promise<bigint> {
    await this.need(8);
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
  async bytes(length: number, _what: string): Promise<Uint8Array> {
    await this.need(length);
    const start = this.advance(length);
    return this.buffer.subarray(start, start + length);
  }

  private advance(n: number): number {
    const start = this.position;
    this.position += n;
    return start;
  }

  private async need(n: number): Promise<void> {
    const end = this.position + n;
    if (end <= this.filled) return;
    if (end > this.sizeBytes) throw new HeaderPastEnd(end);
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
      if (bytesRead === 0) throw new HeaderPastEnd(end);
      this.filled += bytesRead;
    }
  }
}
