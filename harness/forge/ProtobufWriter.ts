/**
 * A minimal protocol-buffers encoder (wire format only, no schema): varints, 64-bit integers, fixed32
 * floats, length-delimited strings, bytes and nested messages. Enough to write ONNX ModelProto files.
 * Repeated scalar fields are written unpacked (one tag per value), as proto2 `onnx.proto` declares them.
 */

/** Wire type of varint fields (int32, int64, uint64, bool, enum). */
export const WIRE_VARINT = 0;
/** Wire type of 32-bit fixed-size fields (float, fixed32). */
export const WIRE_FIXED32 = 5;
/** Wire type of length-delimited fields (string, bytes, messages). */
export const WIRE_LENGTH_DELIMITED = 2;

import { GrowableBytes } from './GrowableBytes.js';

const textEncoder = new TextEncoder();

export class ProtobufWriter extends GrowableBytes {
  constructor() {
    super(256);
  }

  /** Number of bytes the varint encoding of a non-negative integer takes. */
  static varintLength(value: number | bigint): number {
    let v = BigInt(value);
    if (v < 0n) return 10;
    let n = 1;
    while (v >= 0x80n) {
      v >>= 7n;
      n++;
    }
    return n;
  }

  /** Bytes of a field tag. */
  static tagLength(field: number): number {
    return ProtobufWriter.varintLength(field << 3);
  }

  /**
   * Writes a varint. Negative numbers are written as their 64-bit two's complement (10 bytes), as
   * protobuf does for negative int32/int64 values.
   */
  varint(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint needs a safe integer, got ${value}`);
      if (value >= 0 && value < 0x80000000) {
        let v = value;
        this.reserve(5);
        while (v >= 0x80) {
          this.buffer[this.length++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        this.buffer[this.length++] = v;
        return this;
      }
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
    return this;
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  /** A varint field (int32, int64, uint64, enum, bool). */
  intField(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  /** A float field (fixed32, little-endian IEEE 754 binary32). */
  floatField(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** A string field (UTF-8). */
  stringField(field: number, value: string): this {
    return this.bytesField(field, textEncoder.encode(value));
  }

  /** A bytes field. */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED).varint(value.length);
    return this.raw(value);
  }

  /** A nested message field, encoded by `write` into its own writer. */
  messageField(field: number, write: (writer: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytesField(field, inner.finish());
  }

  /**
   * The tag and length prefix of a length-delimited field whose `length` bytes of content are written
   * later (by the caller, or streamed after this writer's bytes).
   */
  lengthPrefix(field: number, length: number): this {
    return this.tag(field, WIRE_LENGTH_DELIMITED).varint(length);
  }

  /** Appends already-encoded bytes. */
  raw(bytes: Uint8Array): this {
    this.append(bytes);
    return this;
  }

  /** The bytes written (a view; the writer must not be used afterwards). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
