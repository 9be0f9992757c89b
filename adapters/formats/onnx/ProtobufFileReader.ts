/**
 * A minimal protobuf wire-format reader that walks the fields of a message stored in a file without
 * loading the file: it reads field headers through a small window and skips payloads it is not asked
 * for. Enough to read the header fields of an ONNX model (graph, initializer names, shapes and types)
 * while never touching the weight bytes, so a 1.5 GB `.onnx` costs a few hundred small reads.
 *
 * Errors are plain `Error`s describing the wire problem with its byte offset; callers wrap them in the
 * error class of their format.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Protobuf wire type 0: varint. */
export const WIRE_VARINT = 0;
/** Protobuf wire type 1: 64-bit little-endian. */
export const WIRE_FIXED64 = 1;
/** Protobuf wire type 2: length-delimited (strings, bytes, sub-messages, packed repeated scalars). */
export const WIRE_LENGTH_DELIMITED = 2;
/** Protobuf wire type 5: 32-bit little-endian. */
export const WIRE_FIXED32 = 5;

/** One field of a message, as found on the wire. */
export interface ProtoField {
  /** Field number from the schema. */
  field: number;
  /** Wire type (0, 1, 2 or 5; the deprecated group types 3 and 4 are rejected). */
  wireType: number;
  /**
   * Value of a varint field (wire type 0). Exact up to 2^53; larger values (negative int64 are encoded
   * as 10-byte varints) lose precision, which no caller here depends on.
   */
  value: number;
  /** Absolute file offset where the payload starts (after the tag, and after the length for type 2). */
  start: number;
  /** Absolute file offset just after the payload. */
  end: number;
}

const WINDOW_BYTES = 64 * 1024;
/** The longest varint is 10 bytes; a tag plus a length is at most 20. */
const HEADER_BYTES = 20;

export class ProtobufFileReader {
  /** Size of the file in bytes. */
  readonly size: number;
  private readonly handle: FileHandle;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(handle: FileHandle, size: number) {
    this.handle = handle;
    this.size = size;
  }

  /** Opens `path` for reading. Call {@link close} when done. */
  static async open(path: string): Promise<ProtobufFileReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new ProtobufFileReader(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Bytes `[start, end)` of the file (a copy when not served from the window). */
  async bytes(start: number, end: number): Promise<Buffer> {
    if (start < 0 || end < start || end > this.size) {
      throw new Error(`byte range ${start}..${end} lies outside the file (${this.size} bytes)`);
    }
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    }
    if (end - start <= WINDOW_BYTES) {
      await this.fill(start);
      return this.window.subarray(0, end - start);
    }
    const buffer = Buffer.alloc(end - start);
    await this.readFully(buffer, start);
    return buffer;
  }

  /** UTF-8 text of a length-delimited field. */
  async string(field: ProtoField): Promise<string> {
    return (await this.bytes(field.start, field.end)).toString('utf8');
  }

  /** Varints packed in a length-delimited field (packed repeated int32/int64/enum). */
  async packedVarints(field: ProtoField): Promise<number[]> {
    const buffer = await this.bytes(field.start, field.end);
    const values: number[] = [];
    let pos = 0;
    while (pos < buffer.length) {
      const [value, next] = decodeVarint(buffer, pos, field.start);
      values.push(value);
      pos = next;
    }
    return values;
  }

  /**
   * The fields of the message occupying `[start, end)`, in file order. Payloads are not read: a
   * length-delimited field yields its byte range, which the caller may read, walk or ignore.
   */
  async *fields(start: number, end: number): AsyncGenerator<ProtoField> {
    if (end > this.size) {
      throw new Error(`message at byte ${start} runs to byte ${end}, past the end of the file (${this.size} bytes)`);
    }
    let pos = start;
    while (pos < end) {
      await this.ensure(pos, Math.min(HEADER_BYTES, end - pos));
      const local = pos - this.windowStart;
      const [tag, afterTag] = decodeVarint(this.window, local, this.windowStart);
      const field = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (field === 0) throw new Error(`field number 0 at byte ${pos}`);
      let value = 0;
      let payloadStart: number;
      let payloadEnd: number;
      switch (wireType) {
        case WIRE_VARINT: {
          const [v, next] = decodeVarint(this.window, afterTag, this.windowStart);
          value = v;
          payloadStart = this.windowStart + afterTag;
          payloadEnd = this.windowStart + next;
          break;
        }
        case WIRE_FIXED64:
          payloadStart = this.windowStart + afterTag;
          payloadEnd = payloadStart + 8;
          break;
        case WIRE_FIXED32:
          payloadStart = this.windowStart + afterTag;
          payloadEnd = payloadStart + 4;
          break;
        case WIRE_LENGTH_DELIMITED: {
          const [length, next] = decodeVarint(this.window, afterTag, this.windowStart);
          payloadStart = this.windowStart + next;
          payloadEnd = payloadStart + length;
          break;
        }
        default:
          throw new Error(`unsupported wire type ${wireType} (field ${field}) at byte ${pos}`);
      }
      if (payloadEnd > end) {
        throw new Error(
          `field ${field} at byte ${pos} runs to byte ${payloadEnd}, past the end of its message at byte ${end}` +
            (payloadEnd > this.size ? ` and past the end of the file (${this.size} bytes)` : ''),
        );
      }
      yield { field, wireType, value, start: payloadStart, end: payloadEnd };
      pos = payloadEnd;
    }
  }

  /** Makes sure bytes `[pos, pos + length)` are in the window. */
  private async ensure(pos: number, length: number): Promise<void> {
    if (pos >= this.windowStart && pos + length <= this.windowStart + this.window.length) return;
    await this.fill(pos);
    if (this.window.length < length) throw new Error(`unexpected end of file at byte ${pos + this.window.length}`);
  }

  private async fill(pos: number): Promise<void> {
    const length = Math.min(WINDOW_BYTES, this.size - pos);
    const buffer = Buffer.alloc(Math.max(0, length));
    await this.readFully(buffer, pos);
    this.window = buffer;
    this.windowStart = pos;
  }

  private async readFully(buffer: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
      done += bytesRead;
    }
  }
}

/**
 * Decodes the varint at `pos` of `buffer`; returns the value and the position after it. `base` is the
 * file offset of `buffer[0]`, used in error messages.
 */
function decodeVarint(buffer: Buffer, pos: number, base: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = buffer[pos + i];
    if (byte === undefined) throw new Error(`unexpected end of data inside a varint at byte ${base + pos + i}`);
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos + i + 1];
    scale *= 128;
  }
  throw new Error(`varint longer than 10 bytes at byte ${base + pos}`);
}
