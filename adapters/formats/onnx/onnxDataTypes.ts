/**
 * ONNX `TensorProto.DataType` codes (onnx.proto) with the names slmbench reports and the storage size of
 * one element in bits (null for strings, whose size varies).
 */

/** Name and element size of one ONNX tensor element type. */
export interface OnnxDataType {
  /** Lower-case name as onnxruntime and transformers.js spell it, e.g. `float16`. */
  name: string;
  /** Bits one element occupies in `raw_data` (sub-byte types are packed); null for `string`. */
  bits: number | null;
  /** True for floating-point types (weights stored as values, not as quantized integers). */
  float: boolean;
}

/** Every element type defined by onnx.proto (through UINT2/INT2, added after ONNX 1.18), by its code. */
export const onnxDataTypes: ReadonlyMap<number, OnnxDataType> = new Map<number, OnnxDataType>([
  [1, { name: 'float32', bits: 32, float: true }],
  [2, { name: 'uint8', bits: 8, float: false }],
  [3, { name: 'int8', bits: 8, float: false }],
  [4, { name: 'uint16', bits: 16, float: false }],
  [5, { name: 'int16', bits: 16, float: false }],
  [6, { name: 'int32', bits: 32, float: false }],
  [7, { name: 'int64', bits: 64, float: false }],
  [8, { name: 'string', bits: null, float: false }],
  [9, { name: 'bool', bits: 8, float: false }],
  [10, { name: 'float16', bits: 16, float: true }],
  [11, { name: 'float64', bits: 64, float: true }],
  [12, { name: 'uint32', bits: 32, float: false }],
  [13, { name: 'uint64', bits: 64, float: false }],
  [14, { name: 'complex64', bits: 64, float: true }],
  [15, { name: 'complex128', bits: 128, float: true }],
  [16, { name: 'bfloat16', bits: 16, float: true }],
  [17, { name: 'float8e4m3fn', bits: 8, float: true }],
  [18, { name: 'float8e4m3fnuz', bits: 8, float: true }],
  [19, { name: 'float8e5m2', bits: 8, float: true }],
  [20, { name: 'float8e5m2fnuz', bits: 8, float: true }],
  [21, { name: 'uint4', bits: 4, float: false }],
  [22, { name: 'int4', bits: 4, float: false }],
  [23, { name: 'float4e2m1', bits: 4, float: true }],
  [24, { name: 'float8e8m0', bits: 8, float: true }],
  [25, { name: 'uint2', bits: 2, float: false }],
  [26, { name: 'int2', bits: 2, float: false }],
]);

/** Bytes of one element of the type named `name` (`float16` → 2, as onnxruntime names input types); null for an unknown or sub-byte type. */
export function onnxBytesPerElement(name: string | undefined): number | null {
  if (name === undefined) return null;
  for (const type of onnxDataTypes.values()) {
    if (type.name === name) return type.bits !== null && type.bits % 8 === 0 ? type.bits / 8 : null;
  }
  return null;
}
