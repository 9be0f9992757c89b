/**
 * How each tensor of a Llama model is stored in an ONNX file of a given weight type, and its bytes.
 *
 * - `fp32`: every tensor float32 (matrices transposed for MatMul; the embedding and LM head as `[vocab,
 *   hidden]`).
 * - `q8`: each matrix whose rows are whole 32-value blocks becomes `com.microsoft` `MatMulNBits` codes
 *   (8 bits, block 32, zero point 128) with the exact codes and scales of the GGUF Q8_0 blocks (see
 *   {@link repackQ8_0}); the token embedding is read through `GatherBlockQuantized` (8 bits) from the same
 *   codes (shared with the LM head when tied). This is not transformers.js's own `q8` recipe (ONNX
 *   Runtime's dynamic quantizer: one int8 scale per tensor, activations quantized by
 *   `DynamicQuantizeLinear` for `MatMulInteger`): the forge exists to compare backends on identical
 *   weights, and Q8_0 blocks are what llama.cpp reads from `model-Q8_0.gguf`. transformers.js loads the
 *   file under its `q8` dtype by file name (`model_quantized.onnx`) whatever its operators.
 * - `q4`: the same with 4 bits (zero point 8) and the GGUF Q4_0 blocks (see {@link repackQ4_0}).
 * In `q8` and `q4`, a matrix whose rows are not whole blocks is stored float32 holding its F16-rounded
 * values, as the GGUF Q8_0/Q4_0 files store it in F16. Norm weights are float32 in every type.
 */
import { encodeFloat16, float16ToFloat32 } from './float32ToFloat16.js';
import { ONNX_FLOAT, ONNX_UINT8 } from './OnnxGraphBuilder.js';
import type { ForgeTensor } from './planLlamaTensors.js';
import { Q4_0_BLOCK_VALUES, quantizeQ4_0 } from './quantizeQ4_0.js';
import { Q8_0_BLOCK_VALUES, quantizeQ8_0 } from './quantizeQ8_0.js';
import { ONNX_Q4_BLOB_BYTES, repackQ4_0 } from './repackQ4_0.js';
import { ONNX_Q8_BLOB_BYTES, repackQ8_0 } from './repackQ8_0.js';
import { transposeMatrix } from './transposeMatrix.js';

/** Weight types of the forge's ONNX files. */
export type OnnxWeightType = 'fp32' | 'q8' | 'q4';

/** The block-quantized weight types, with their bits, values per block and code bytes per block. */
export const ONNX_BLOCK_TYPES: Readonly<Record<'q8' | 'q4', { bits: number; blockValues: number; blobBytes: number }>> = {
  q8: { bits: 8, blockValues: Q8_0_BLOCK_VALUES, blobBytes: ONNX_Q8_BLOB_BYTES },
  q4: { bits: 4, blockValues: Q4_0_BLOCK_VALUES, blobBytes: ONNX_Q4_BLOB_BYTES },
};

/** What one initializer holds. */
export type OnnxInitializerRole =
  /** float32 values as the graph uses them: `[cols, rows]` for a MatMul weight, else as planned. */
  | 'float'
  /**
   * uint8 `[rows, cols/32, blob]`: the block codes for `MatMulNBits` and `GatherBlockQuantized` (q8: 32
   * bytes a block, code + 128; q4: 16 bytes a block, two 4-bit codes a byte).
   */
  | 'block-codes'
  /** float32 `[rows, cols/32]`: `MatMulNBits` scales. */
  | 'block-scales'
  /** float32 `[rows, cols/32, 1]`: the same scales shaped for `GatherBlockQuantized`. */
  | 'block-table-scales';

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
   * `float` (float32 values), `float-f16` (float32 holding F16-rounded values: a q8/q4 matrix whose rows
   * are not whole blocks), `q8` (Q8_0 blocks) or `q4` (Q4_0 blocks).
   */
  layout: 'float' | 'float-f16' | 'q8' | 'q4';
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
  const { blockValues, blobBytes } = ONNX_BLOCK_TYPES[type];
  if (cols % blockValues !== 0) return float('float-f16');
  const base = tensor.onnxName.replace(/\.T$/, '');
  const isEmbedding = tensor.ggufName === TOKEN_EMBEDDING;
  const blocks = cols / blockValues;
  const suffix = type === 'q8' ? 'Q8' : 'Q4';
  const initializers: OnnxInitializer[] = [{ name: `${base}_${suffix}`, role: 'block-codes', dims: [rows, blocks, blobBytes], dataType: ONNX_UINT8 }];
  if (isEmbedding) initializers.push({ name: `${base}_table_scales`, role: 'block-table-scales', dims: [rows, blocks, 1], dataType: ONNX_FLOAT });
  if (!isEmbedding || tied) initializers.push({ name: `${base}_scales`, role: 'block-scales', dims: [rows, blocks], dataType: ONNX_FLOAT });
  return { tensor, layout: type, initializers };
}

/**
 * The bytes of each initializer of `plan`, in order, from the tensor's float32 values (row-major
 * `[rows, cols]`). `blocks`: the tensor's GGUF block encoding in the plan's type (Q8_0 for `q8`, Q4_0 for
 * `q4`) when the caller already has it (else it is computed); ignored by the other layouts.
 */
export function encodeOnnxWeights(plan: OnnxTensorPlan, values: Float32Array, blocks?: Uint8Array): Uint8Array[] {
  const [rows, cols = 1] = plan.tensor.shape;
  const bytes = (array: Float32Array | Uint8Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (plan.layout === 'float' || plan.layout === 'float-f16') {
    let data = values;
    if (plan.layout === 'float-f16') data = Float32Array.from(encodeFloat16(values), float16ToFloat32);
    if (plan.tensor.onnxTransposed) data = transposeMatrix(data, rows, cols);
    return [bytes(data)];
  }
  const { codes, scales } = plan.layout === 'q8' ? repackQ8_0(blocks ?? quantizeQ8_0(values)) : repackQ4_0(blocks ?? quantizeQ4_0(values));
  return plan.initializers.map((init) => (init.role === 'block-codes' ? codes : bytes(scales)));
}
