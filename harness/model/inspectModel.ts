/**
 * Inspects a model file or folder without loading it into a backend: format, identity (sha256, size),
 * parameters, quantization, architecture, through its format's inspector. Importing this module is cheap;
 * a format's reader is imported only when a model of it is inspected.
 */
import type { BackendDefinition } from '../../adapters/types.js';
import type { ModelRecord } from '../../adapters/formats/ModelRecord.js';
import { ModelFormatError } from '../errors.js';
import { detectModelFormat } from './detectModelFormat.js';
import { modelFormats } from './modelFormats.js';

/**
 * Everything slmbench records about the model at `path` (a `.gguf` file, a `.onnx` file, a transformers.js
 * folder, or a model of a format a backend brings). Throws ModelNotFoundError for a missing path and
 * ModelFormatError, naming the file, for an unknown, truncated or damaged model, and for a model of a
 * format without a local file to inspect (`remote:NAME`).
 */
export async function inspectModel(path: string, registry?: readonly BackendDefinition[]): Promise<ModelRecord> {
  const source = await detectModelFormat(path, registry);
  const format = modelFormats(registry).find((f) => f.id === source.format)!;
  if (!format.inspectFile) throw new ModelFormatError(source.path, `${format.expects} has no local file to inspect`);
  return format.inspectFile(source.path);
}
