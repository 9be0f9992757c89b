/**
 * Writes a file sequentially while hashing it (sha256) and counting its bytes, so a forged file never has
 * to be read back. Small writes are gathered into a buffer; large ones go straight to the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

const BUFFER_BYTES = 1 << 20;

export class HashingFileWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private buffered = 0;
  private written = 0;

  private constructor(
    /** The file written. */
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates (or truncates) `path`. */
  static async create(path: string): Promise<HashingFileWriter> {
    return new HashingFileWriter(path, await open(path, 'w'));
  }

  /** Bytes written so far (buffered ones included). */
  get position(): number {
    return this.written + this.buffered;
  }

  /** Appends `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (this.buffered + bytes.length <= BUFFER_BYTES) {
      this.buffer.set(bytes, this.buffered);
      this.buffered += bytes.length;
      return;
    }
    await this.flush();
    if (bytes.length < BUFFER_BYTES / 4) {
      this.buffer.set(bytes, 0);
      this.buffered = bytes.length;
      return;
    }
    await this.writeThrough(bytes);
  }

  /** Appends zero bytes up to the next multiple of `alignment`. */
  async padTo(alignment: number): Promise<void> {
    const padding = (alignment - (this.position % alignment)) % alignment;
    if (padding > 0) await this.write(new Uint8Array(padding));
  }

  /** Flushes, closes the file and returns its size and sha256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.flush();
    await this.handle.close();
    return { bytes: this.written, sha256: this.hash.digest('hex') };
  }

  /** Closes the file without finishing it (after an error). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunk = this.buffer.subarray(0, this.buffered);
    this.buffered = 0;
    await this.writeThrough(chunk);
  }

  private async writeThrough(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    this.written += bytes.length;
  }
}
