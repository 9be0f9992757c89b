/**
 * A byte buffer that doubles as it fills: the storage under the forge's encoders (the protobuf writer of
 * ONNX files and the GGUF header writer), which append bytes at `length` after `reserve`.
 */
export class GrowableBytes {
  protected buffer: Uint8Array;
  /** A little-endian view over `buffer`, renewed when it grows. */
  protected view: DataView;
  protected length = 0;

  /** @param initialBytes first capacity (doubled as needed) */
  constructor(initialBytes: number) {
    this.buffer = new Uint8Array(initialBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  /** Makes room for `extra` more bytes after `length`. */
  protected reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Appends raw bytes. */
  protected append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
}
