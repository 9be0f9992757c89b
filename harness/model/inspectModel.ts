/**
 * Inspects a model file or folder without loading it into a backend: format, identity (sha256, size),
 * parameters, quantization, architecture. Importing this module is cheap; node-llama-cpp is imported
 * only when a GGUF file is inspected.
 */
import { ModelFormatError } from '../errors.js';
import { detectModelFormat } from './detectModelFormat.js';
import { inspectGguf } from './inspectGguf.js';
import { inspectOnnxFile } from './inspectOnnxFile.js';
import { inspectTransformersJsFolder } from './inspectTransformersJsFolder.js';
import type { ModelRecord } from './ModelRecord.js';

/**
 * Everything slmbench records about the model at `path` (a `.gguf` file, a `.onnx` file or a
 * transformers.js folder). Throws ModelNotFoundError for a missing path and ModelFormatError, naming the
 * file, for an unknown, truncated or damaged model, and for a `remote:NAME` spec (a served model has no
 * local file to inspect; `slmbench run` records it without inspecting).
 */
export async function inspectModel(path: string): Promise<ModelRecord> {
  const source = await detectModelFormat(path);
  switch (source.format) {
    case 'gguf':
      return inspectGguf(source.path);
    case 'onnx':
      return inspectOnnxFile(source.path);
    case 'transformers-js':
      return inspectTransformersJsFolder(source.path);
    case 'remote':
      throw new ModelFormatError(source.path, 'a model served over HTTP (remote:NAME) has no local file to inspect');
    case 'composite':
      throw new ModelFormatError(source.path, 'a composite model is inspected stage by stage');
  }
}
