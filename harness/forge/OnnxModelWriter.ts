/**
 * Streams an ONNX decoder to disk one tensor at a time: the encoded head first, then each tensor's
 * initializers (prefix + bytes) in plan order, checking names, sizes and order as it goes, while hashing.
 * Shared by the forge and the GGUF converter, so memory holds one tensor at a time.
 */
import type { EncodedOnnxModel } from './OnnxGraphBuilder.js';
import { HashingFileWriter } from './HashingFileWriter.js';
import { encodeOnnxWeights, type OnnxTensorPlan } from './planOnnxWeights.js';

export class OnnxModelWriter {
  private nextTensor = 0;
  private nextWeight = 0;

  private constructor(
    private readonly writer: HashingFileWriter,
    private readonly encoded: EncodedOnnxModel,
    private readonly plan: readonly OnnxTensorPlan[],
  ) {}

  /** Creates `path` and writes the model head. */
  static async create(path: string, encoded: EncodedOnnxModel, plan: readonly OnnxTensorPlan[]): Promise<OnnxModelWriter> {
    const writer = await HashingFileWriter.create(path);
    await writer.write(encoded.head);
    return new OnnxModelWriter(writer, encoded, plan);
  }

  /**
   * Writes tensor `index` (tensors must come in plan order) from its float32 values, row-major
   * `[rows, cols]`. `blocks`: its GGUF block encoding in the plan's type (Q8_0 for a `q8` tensor, Q4_0 for
   * `q4`) when the caller has it already. Default: computed here when needed.
   */
  async writeTensor(index: number, values: Float32Array, blocks?: Uint8Array): Promise<void> {
    if (index !== this.nextTensor) throw new Error(`internal: ONNX tensor ${index} written out of order (expected ${this.nextTensor})`);
    const plan = this.plan[index]!;
    const parts = encodeOnnxWeights(plan, values, blocks);
    for (const [i, init] of plan.initializers.entries()) {
      const weight = this.encoded.weights[this.nextWeight++];
      const bytes = parts[i]!;
      if (!weight || weight.name !== init.name || weight.byteLength !== bytes.byteLength) {
        throw new Error(`internal: ONNX initializer ${init.name} does not match the encoded graph`);
      }
      await this.writer.write(weight.prefix);
      await this.writer.write(bytes);
    }
    this.nextTensor++;
  }

  /** Finishes the file; every tensor must have been written. */
  async close(): Promise<{ bytes: number; sha256: string }> {
    if (this.nextWeight !== this.encoded.weights.length) throw new Error('internal: ONNX file closed before every weight was written');
    const result = await this.writer.close();
    if (result.bytes !== this.encoded.totalBytes) throw new Error('internal: ONNX file has the wrong size');
    return result;
  }

  /** Closes the file without finishing it (after an error). */
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}
