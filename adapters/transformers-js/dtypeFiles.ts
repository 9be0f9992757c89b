/**
 * transformers.js's file-name convention for the weight data types of a model folder: dtype `d` lives in
 * `onnx/model${suffix}.onnx` (transformers.js 4.3.1, `DEFAULT_DTYPE_SUFFIX_MAPPING` in `utils/dtypes.js`).
 */
import type { TransformersJsOptions } from './index.js';

/** A concrete dtype (anything but `auto`). */
export type TransformersJsDtype = Exclude<TransformersJsOptions['dtype'], 'auto'>;

/** File name inside `onnx/` for each dtype. */
export const dtypeFiles: Readonly<Record<TransformersJsDtype, string>> = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  int8: 'model_int8.onnx',
  uint8: 'model_uint8.onnx',
  q4: 'model_q4.onnx',
  q4f16: 'model_q4f16.onnx',
  bnb4: 'model_bnb4.onnx',
};
