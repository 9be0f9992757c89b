/**
 * A bare ONNX decoder file (`.onnx`; ONNX protobufs carry no magic, so the extension decides and the
 * contents are checked by inspection). A file inside the `onnx/` folder of a transformers.js model folder
 * takes that folder's config.json for its architecture.
 */
import { extname } from 'node:path';
import type { ModelFormatDefinition } from '../../types.js';

export const onnxFormat: ModelFormatDefinition = {
  id: 'onnx',
  expects: 'a .onnx file',
  detect: (probe) => probe.kind === 'file' && extname(probe.path).toLowerCase() === '.onnx',
  async inspectFile(path) {
    const { inspectOnnxFile } = await import('./inspectOnnxFile.js');
    return inspectOnnxFile(path);
  },
  async decodeFacts(path, weightsFile) {
    const { onnxDecodeFacts } = await import('./onnxDecodeFacts.js');
    return onnxDecodeFacts(weightsFile ?? path, null);
  },
};
