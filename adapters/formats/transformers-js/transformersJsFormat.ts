/**
 * A transformers.js model folder: `config.json`, the tokenizer files and `onnx/model*.onnx`. A folder that
 * is not one is refused with what it lacks (a folder of GGUF files is told to name the file).
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelFormatDefinition } from '../../types.js';

export const transformersJsFormat: ModelFormatDefinition = {
  id: 'transformers-js',
  expects: 'a transformers.js folder (config.json and onnx/)',
  async detect(probe) {
    if (probe.kind !== 'folder') return false;
    const hasConfig = probe.entries.some((e) => !e.folder && e.name === 'config.json');
    const hasOnnxFolder = probe.entries.some((e) => e.folder && e.name === 'onnx');
    if (hasConfig && hasOnnxFolder) {
      const onnxFiles = (await readdir(join(probe.path, 'onnx'))).filter((name) => name.toLowerCase().endsWith('.onnx'));
      return onnxFiles.length > 0 || 'transformers.js folder without weights: onnx/ holds no .onnx file';
    }
    const ggufFiles = probe.entries.filter((e) => !e.folder && e.name.toLowerCase().endsWith('.gguf')).map((e) => e.name);
    const hint =
      ggufFiles.length > 0
        ? `; to use a GGUF file, give its path (e.g. ${join(probe.path, ggufFiles[0]!)})`
        : hasConfig
          ? '; it has config.json but no onnx/ subfolder (slmbench reads ONNX weights, not PyTorch/safetensors)'
          : hasOnnxFolder
            ? '; it has an onnx/ subfolder but no config.json'
            : '';
    const name = basename(probe.path);
    return `not a model folder: a transformers.js model folder (${name}/config.json and ${name}/onnx/) was expected${hint}`;
  },
  async inspectFile(path) {
    const { inspectTransformersJsFolder } = await import('./inspectTransformersJsFolder.js');
    return inspectTransformersJsFolder(path);
  },
  async decodeFacts(path, weightsFile) {
    const [{ onnxDecodeFacts }, { resolveOnnxDtype }] = await Promise.all([import('../onnx/onnxDecodeFacts.js'), import('./resolveOnnxDtype.js')]);
    // Without the backend's word, the file the backends' `dtype: auto` loads.
    return onnxDecodeFacts(weightsFile ?? resolveOnnxDtype(path, 'auto', 'transformers-js').file, path);
  },
};
