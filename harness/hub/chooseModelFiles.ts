/**
 * Which files of a hub repository make the model an `hf:` spec names, from the repository's file list
 * alone (pure, so its rules are tested without a server):
 * - exactly one `.gguf` file → that file;
 * - else a transformers.js layout (`config.json` and `onnx/*.onnx`) → `config.json`,
 *   `tokenizer.json`, `tokenizer_config.json`, `generation_config.json` and `special_tokens_map.json`
 *   when present, and the ONNX file transformers.js loads by default with its external data
 *   (`.onnx_data`, `.onnx_data_1`, …): `onnx/model.onnx`, else the file of config.json's
 *   `transformers.js_config.dtype`, else the only `onnx/model*.onnx` (the backends' rule for dtype
 *   `auto`, `chooseOnnxFile`);
 * - else an error: several `.gguf` files (listed, as specs to choose from), or no model at all.
 */
import { chooseOnnxFile, ONNX_DTYPES, ONNX_MODEL_FILE } from '../../adapters/formats/transformers-js/onnxFiles.js';

/** Files the transformers.js backends need besides the ONNX graph. */
export const TRANSFORMERS_JS_REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** Files they read when present. */
export const TRANSFORMERS_JS_OPTIONAL = ['generation_config.json', 'special_tokens_map.json'] as const;

/** The choice. Paths are repository paths; `folder` is the chosen folder's path ('' for the root). */
export type ModelFileChoice =
  | { kind: 'gguf'; path: string }
  | { kind: 'transformers-js'; folder: string; files: string[] }
  | { kind: 'several-gguf'; paths: string[] }
  | { kind: 'none'; reason: string };


/**
 * @param paths every file of the repository
 * @param folder the folder the spec names ('' for the repository root), without trailing `/`
 * @param configDtype `transformers.js_config.dtype` of the folder's config.json, once read (null when
 *   absent or not read yet: then a folder without `onnx/model.onnx` and with several model files is
 *   answered `none` with a reason naming them)
 */
export function chooseModelFiles(paths: readonly string[], folder: string, configDtype: string | null): ModelFileChoice {
  const prefix = folder === '' ? '' : `${folder}/`;
  const inside = paths.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
  const ggufs = inside.filter((path) => path.toLowerCase().endsWith('.gguf')).sort();
  if (ggufs.length === 1) return { kind: 'gguf', path: prefix + ggufs[0]! };

  const onnxModels = inside.filter((path) => path.startsWith('onnx/') && ONNX_MODEL_FILE.test(path.slice('onnx/'.length))).sort();
  if (inside.includes('config.json') && onnxModels.length > 0) {
    const missing = TRANSFORMERS_JS_REQUIRED.filter((name) => !inside.includes(name));
    if (missing.length > 0) {
      return { kind: 'none', reason: `it has config.json and onnx/ but not ${missing.join(', ')}, which the transformers.js backends need` };
    }
    const onnx = defaultOnnx(onnxModels, configDtype);
    if (typeof onnx !== 'string') return onnx;
    const external = inside.filter((path) => path.startsWith(`${onnx}_data`) && /^_data(_\d+)?$/.test(path.slice(onnx.length))).sort();
    const files = [...TRANSFORMERS_JS_REQUIRED, ...TRANSFORMERS_JS_OPTIONAL.filter((name) => inside.includes(name)), onnx, ...external];
    return { kind: 'transformers-js', folder, files: files.map((path) => prefix + path) };
  }
  if (ggufs.length > 1) return { kind: 'several-gguf', paths: ggufs.map((path) => prefix + path) };
  return { kind: 'none', reason: 'it has no .gguf file and no transformers.js layout (config.json with onnx/model*.onnx)' };
}

function defaultOnnx(onnxModels: readonly string[], configDtype: string | null): string | ModelFileChoice {
  const choice = chooseOnnxFile(onnxModels.map((path) => path.slice('onnx/'.length)), configDtype, 'auto');
  switch (choice.kind) {
    case 'file':
      return choice.file;
    case 'config-unknown':
      return { kind: 'none', reason: `config.json names transformers.js_config.dtype "${String(choice.named)}", which is not one of ${ONNX_DTYPES.join(', ')}` };
    case 'config-missing':
      return { kind: 'none', reason: `config.json names dtype ${choice.dtype}, but ${choice.file} is not in the repository (it has ${onnxModels.join(', ')})` };
    default:
      return { kind: 'none', reason: `it has several ONNX models (${onnxModels.join(', ')}) and neither onnx/model.onnx nor transformers.js_config.dtype to choose one` };
  }
}
