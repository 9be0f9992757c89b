/**
 * How each tensor of a Llama model is stored in an ONNX file of a given weight type, and its bytes.
 *
 * - `fp32`: every tensor float32 (matrices transposed for MatMul; the embedding and LM head as `[vocab,
 *   hidden]`).
 * - `q8` (transformers.js's `model_quantized.onnx` recipe: ONNX Runtime's dynamic quantizer with QInt8
 *   weights, per tensor): each matrix becomes int8 codes with one float32 scale (zero point 0); the graph
 *   quantizes activations on the fly with `DynamicQuantizeLinear` (uint8) and multiplies with
 *   `MatMulInteger`. The token embedding is an int8 table (`Gather` → `DequantizeLinear`), and, tied,
 *   also the LM head's int8 matrix.
 * - `q4`: each matrix whose rows are whole 32-value blocks becomes `com.microsoft` `MatMulNBits` codes
 *   (4 bits, block 32, zero point 8) with the exact codes and scales of the GGUF Q4_0 blocks; the token
 *   embedding is read through `GatherBlockQuantized` from the same codes (shared with the LM head when
 *   tied). A matrix whose rows are not whole blocks is stored float32 holding its F16-rounded values,
 *   as the GGUF Q4_0 file stores it in F16.
 * Norm weights are float32 in every type.
 */
import { encodeFloat16, float16ToFloat32 } from './float32ToFloat16.js';
import { ONNX_FLOAT, ONNX_INT8, ONNX_UINT8 } from './OnnxGraphBuilder.js';
import type { ForgeTensor } from './planLlamaTensors.js';
import { quantizeInt8PerTensor } from './quantizeInt8PerTensor.js';
import { Q4_0_BLOCK_VALUES, quantizeQ4_0 } from './quantizeQ4_0.js';
import { ONNX_Q4_BLOB_BYTES, repackQ4_0 } from './repackQ4_0.js';
import { transposeMatrix } from './transposeMatrix.js';

/** Weight types of the forge's ONNX files. */
export type OnnxWeightType = 'fp32' | 'q8' | 'q4';

/** What one initializer holds. */
export type OnnxInitializerRole =
  /** float32 values as the graph uses them: `[cols, rows]` for a MatMul weight, else as planned. */
  | 'float'
  /** int8 codes `[cols, rows]`: `MatMulInteger`'s right-hand input. */
  | 'int8-matrix'
  /** int8 codes `[rows, cols]`: an embedding table for `Gather`. */
  | 'int8-table'
  /** float32 scalar: the tensor's int8 scale. */
  | 'int8-scale'
  /** uint8 `[rows, cols/32, 16]`: 4-bit codes for `MatMulNBits` and `GatherBlockQuantized`. */
  | 'q4-codes'
  /** float32 `[rows, cols/32]`: `MatMulNBits` scales. */
  | 'q4-scales'
  /** float32 `[rows, cols/32, 1]`: the same scales shaped for `GatherBlockQuantized`. */
  | 'q4-table-scales';

/** One initializer of a tensor. */
export interface OnnxInitializer {
  name: string;
  role: OnnxInitializerRole;
  dims: number[];
  /** ONNX data type code. */
  dataType: number;
}

/** How one tensor is stored. */
export interface OnnxTensorPlan {
  tensor: ForgeTensor;
  /**
   * `float` (float32 values), `float-f16` (float32 holding F16-rounded values: a q4 matrix whose rows are
   * not whole blocks), `int8` or `q4`.
   */
  layout: 'float' | 'float-f16' | 'int8' | 'q4';
  initializers: OnnxInitializer[];
}

/** GGUF name of the token embedding. */
export const TOKEN_EMBEDDING = 'token_embd.weight';

/** Plans every tensor; `tied` = the LM head reads the token embedding. */
export function planOnnxWeights(tensors: readonly ForgeTensor[], type: OnnxWeightType, tied: boolean): OnnxTensorPlan[] {
  return tensors.map((tensor) => planTensor(tensor, type, tied));
}

function planTensor(tensor: ForgeTensor, type: OnnxWeightType, tied: boolean): OnnxTensorPlan {
  const [rows, cols] = tensor.shape;
  const floatDims = tensor.onnxTransposed ? [cols!, rows] : [...tensor.shape];
  const float = (layout: 'float' | 'float-f16'): OnnxTensorPlan => ({
    tensor,
    layout,
    initializers: [{ name: tensor.onnxName, role: 'float', dims: floatDims, dataType: ONNX_FLOAT }],
  });
  if (tensor.kind === 'norm' || cols === undefined || type === 'fp32') return float('float');
  const base = tensor.onnxName.replace(/\.T$/, '');
  const isEmbedding = tensor.ggufName === TOKEN_EMBEDDING;
  if (type === 'q8') {
    const initializers: OnnxInitializer[] = [];
    if (isEmbedding) initializers.push({ name: `${base}_quantized`, role: 'int8-table', dims: [rows, cols], dataType: ONNX_INT8 });
    if (!isEmbedding || tied) initializers.push({ name: `${base}_quantized.T`, role: 'int8-matrix', dims: [cols, rows], dataType: ONNX_INT8 });
    initializers.push({ name: `${base}_scale`, role: 'int8-scale', dims: [], dataType: ONNX_FLOAT });
    return { tensor, layout: 'int8', initializers };
  }
  if (cols % Q4_0_BLOCK_VALUES !== 0) return float('float-f16');
  const blocks = cols / Q4_0_BLOCK_VALUES;
  const initializers: OnnxInitializer[] = [{ name: `${base}_Q4`, role: 'q4-codes', dims: [rows, blocks, ONNX_Q4_BLOB_BYTES], dataType: ONNX_UINT8 }];
  if (isEmbedding) initializers.push({ name: `${base}_table_scales`, role: 'q4-table-scales', dims: [rows, blocks, 1], dataType: ONNX_FLOAT });
  if (!isEmbedding || tied) initializers.push({ name: `${base}_scales`, role: 'q4-scales', dims: [rows, blocks], dataType: ONNX_FLOAT });
  return { tensor, layout: 'q4', initializers };
}

/**
 * The bytes of each initializer of `plan`, in order, from the tensor's float32 values (row-major
 * `[rows, cols]`). `q4Blocks`: the tensor's Q4_0 encoding when the caller already has it (else it is
 * computed).
 */
export function encodeOnnxWeights(plan: OnnxTensorPlan, values: Float32Array, q4Blocks?: Uint8Array): Uint8Array[] {
  const [rows, cols = 1] = plan.tensor.shape;
  const bytes = (array: Float32Array | Int8Array | Uint8Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (plan.layout === 'float' || plan.layout === 'float-f16') {
    let data = values;
    if (plan.layout === 'float-f16') data = Float32Array.from(encodeFloat16(values), float16ToFloat32);
    if (plan.tensor.onnxTransposed) data = transposeMatrix(data, rows, cols);
    return [bytes(data)];
  }
  if (plan.layout === 'int8') {
    const { codes, scale } = quantizeInt8PerTensor(values);
    return plan.initializers.map((init) => {
      if (init.role === 'int8-table') return bytes(codes);
      if (init.role === 'int8-matrix') return bytes(transposeMatrix(codes, rows, cols));
      return bytes(Float32Array.of(scale));
    });
  }
  const { codes, scales } = repackQ4_0(q4Blocks ?? quantizeQ4_0(values));
  return plan.initializers.map((init) => (init.role === 'q4-codes' ? codes : bytes(scales)));
}
