/**
 * Which ONNX file of a transformers.js model folder holds which weight precision, shared by the
 * onnxruntime and transformers-js backends. The names follow transformers.js 4.3.1
 * (`DEFAULT_DTYPE_SUFFIX_MAPPING` in `utils/dtypes.js`): dtype `d` lives in `onnx/model${suffix}.onnx`.
 * Pure data: imported by the light backend definitions as well as by the implementations.
 */

/** Weight precisions a transformers.js folder may hold, in the order they are listed to users. */
export const ONNX_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

/** One weight precision of a transformers.js folder. */
export type OnnxDtype = (typeof ONNX_DTYPES)[number];

/** File of each precision, relative to the model folder (`/` separators). */
export const ONNX_DTYPE_FILES: Readonly<Record<OnnxDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
  bnb4: 'onnx/model_bnb4.onnx',
};

/** The dtype whose file is named `name` inside `onnx/` (`model_fp16.onnx` → fp16), or null. */
export function onnxDtypeOfFileName(name: string): OnnxDtype | null {
  return ONNX_DTYPES.find((dtype) => ONNX_DTYPE_FILES[dtype] === `onnx/${name}`) ?? null;
}
