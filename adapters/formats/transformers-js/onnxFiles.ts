/**
 * Which ONNX file of a transformers.js model folder holds which weight precision, and the one rule that
 * picks the file a backend loads: shared by the onnxruntime and transformers-js backends (so both load
 * the same file of the same folder), by the hub client (so `hf:` downloads exactly that file) and by
 * inspection. The names follow transformers.js 4.3.1 (`DEFAULT_DTYPE_SUFFIX_MAPPING` in `utils/dtypes.js`):
 * dtype `d` lives in `onnx/model${suffix}.onnx`. Pure: it decides from a list of file names and the
 * folder's interpreted config.json, so every caller words the outcome its own way.
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

/** ONNX model files inside `onnx/` (`model.onnx`, `model_<name>.onnx`; not `*.onnx_data`). */
export const ONNX_MODEL_FILE = /^model(_[A-Za-z0-9]+)?\.onnx$/;

/** The dtype whose file is named `name` inside `onnx/` (`model_fp16.onnx` → fp16), or null. */
export function onnxDtypeOfFileName(name: string): OnnxDtype | null {
  return ONNX_DTYPES.find((dtype) => ONNX_DTYPE_FILES[dtype] === `onnx/${name}`) ?? null;
}

/** Whether `value` is one of {@link ONNX_DTYPES}. */
export function isOnnxDtype(value: unknown): value is OnnxDtype {
  return typeof value === 'string' && (ONNX_DTYPES as readonly string[]).includes(value);
}

/** What {@link chooseOnnxFile} decided. Files are relative to the folder (`onnx/model_q4.onnx`). */
export type OnnxFileChoice =
  | {
      kind: 'file';
      file: string;
      /** The file's dtype; null only for an `auto` pick of a lone `model_<name>.onnx` of no known dtype. */
      dtype: OnnxDtype | null;
      /** Why this file: `requested`, `model.onnx present`, `config.json` or `only model file`. */
      reason: 'requested' | 'model.onnx present' | 'config.json' | 'only model file';
    }
  /** The folder holds no `onnx/model*.onnx`. */
  | { kind: 'no-model' }
  /** A requested dtype whose file is absent. */
  | { kind: 'requested-missing'; dtype: OnnxDtype; file: string }
  /** config.json names something that is not a dtype. */
  | { kind: 'config-unknown'; named: unknown }
  /** config.json names a dtype whose file is absent. */
  | { kind: 'config-missing'; dtype: OnnxDtype; file: string }
  /** Several model files and nothing to choose between them. */
  | { kind: 'ambiguous' };

/**
 * The file a backend loads for `requested`: a dtype's own file; for `auto`, `onnx/model.onnx` (fp32) when
 * present, else the dtype config.json names (`transformers.js_config.dtype`), else the only model file.
 *
 * @param modelFiles the names of the folder's ONNX model files inside `onnx/` (`model.onnx`, `model_q4.onnx`)
 * @param configDtype the interpreted config.json's `defaultDtype` (null when it names none)
 * @param requested the `dtype` option
 */
export function chooseOnnxFile(modelFiles: readonly string[], configDtype: unknown, requested: OnnxDtype | 'auto'): OnnxFileChoice {
  const present = modelFiles.filter((name) => ONNX_MODEL_FILE.test(name)).sort();
  if (present.length === 0) return { kind: 'no-model' };
  const has = (file: string) => present.includes(file.slice('onnx/'.length));
  if (requested !== 'auto') {
    const file = ONNX_DTYPE_FILES[requested];
    return has(file) ? { kind: 'file', file, dtype: requested, reason: 'requested' } : { kind: 'requested-missing', dtype: requested, file };
  }
  if (present.includes('model.onnx')) return { kind: 'file', file: 'onnx/model.onnx', dtype: 'fp32', reason: 'model.onnx present' };
  if (configDtype !== null && configDtype !== undefined) {
    if (!isOnnxDtype(configDtype)) return { kind: 'config-unknown', named: configDtype };
    const file = ONNX_DTYPE_FILES[configDtype];
    return has(file) ? { kind: 'file', file, dtype: configDtype, reason: 'config.json' } : { kind: 'config-missing', dtype: configDtype, file };
  }
  if (present.length > 1) return { kind: 'ambiguous' };
  return { kind: 'file', file: `onnx/${present[0]!}`, dtype: onnxDtypeOfFileName(present[0]!), reason: 'only model file' };
}

/** `fp16 (onnx/model_fp16.onnx), onnx/model_merged.onnx`: the model files with their dtypes, for messages. */
export function describeOnnxFiles(modelFiles: readonly string[]): string {
  return modelFiles
    .filter((name) => ONNX_MODEL_FILE.test(name))
    .sort()
    .map((name) => {
      const known = onnxDtypeOfFileName(name);
      return known ? `${known} (onnx/${name})` : `onnx/${name}`;
    })
    .join(', ');
}
