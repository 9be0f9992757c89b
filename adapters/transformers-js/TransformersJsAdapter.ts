/**
 * The transformers-js backend: loads a local transformers.js model folder with
 * `AutoTokenizer.from_pretrained` and `AutoModelForCausalLM.from_pretrained` (@huggingface/transformers in
 * Node, running onnxruntime-node). Everything is read from the folder itself: remote loading is off, the
 * file cache is off, and absolute paths are never joined to `env.localModelPath`.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AutoModelForCausalLM, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { BackendRuntimeError, BackendUnavailableError, ModelFormatError, ModelNotFoundError } from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';
import { loadLocalTokenizer } from '../onnx-common/loadLocalTokenizer.js';
import { ONNX_DTYPES } from '../formats/transformers-js/onnxFiles.js';
import { parseBackendOptions } from '../common/parseBackendOptions.js';
import { onnxBytesPerElement } from '../formats/onnx/onnxDataTypes.js';
import { readJsonIfPresent } from '../onnx-common/readJsonIfPresent.js';
import { interpretTransformersConfig } from '../formats/transformers-js/readTransformersConfig.js';
import { readPackageVersion } from '../common/readPackageVersion.js';
import { resolveOnnxDtype } from '../formats/transformers-js/resolveOnnxDtype.js';
import { resolveThreadCount } from '../common/resolveThreadCount.js';
import { useLocalModelFolder } from '../onnx-common/useLocalModelFolder.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadedModel, ModelSource } from '../types.js';
import { transformersJsOptions, type TransformersJsOptions } from './index.js';
import { TransformersJsModel, type ModelFacts } from './TransformersJsModel.js';
import { checkRequiredFiles } from '../formats/transformers-js/requiredFiles.js';

const BACKEND = 'transformers-js';

/** Messages of onnxruntime / transformers.js errors that mean "this device cannot run here". */
const DEVICE_FAILURE = /execution ?provider|shared library|adapter|unsupported device|cuda|webgpu|dawn|vulkan/i;

export class TransformersJsAdapter implements Adapter<TransformersJsOptions> {
  readonly capabilities: AdapterCapabilities = { stepwise: true, prefixCache: true, batching: 'static' };

  async versions(): Promise<BackendVersions> {
    const transformers = readPackageVersion('@huggingface/transformers', import.meta.url);
    if (!transformers) throw new BackendUnavailableError(BACKEND, 'cannot find the package.json of @huggingface/transformers');
    // The onnxruntime-node that matters is the one transformers.js itself resolves.
    const ort = readPackageVersion('onnxruntime-node', transformers.packageJson);
    return {
      '@huggingface/transformers': transformers.version,
      'onnxruntime-node': ort?.version ?? String(env.backends.onnx.versions?.node ?? 'unknown'),
    };
  }

  /**
   * Checks the folder, resolves the dtype to its ONNX file, then loads the tokenizer and the model.
   * @throws ModelNotFoundError, ModelFormatError (missing or invalid files, a dtype named by config.json
   *   whose file is missing), BackendOptionError (bad option, requested dtype's file missing),
   *   BackendUnavailableError (device not available here), BackendRuntimeError (any other load failure)
   */
  async load(model: ModelSource, rawOptions: TransformersJsOptions): Promise<LoadedModel> {
    const options = parseBackendOptions(BACKEND, transformersJsOptions, rawOptions ?? {});

    const folder = resolve(model.path);
    if (!existsSync(folder)) throw new ModelNotFoundError(folder);
    if (model.format !== 'transformers-js') {
      throw new ModelFormatError(folder, `format ${model.format} cannot be loaded by ${BACKEND} (it loads transformers.js model folders)`);
    }
    if (!statSync(folder).isDirectory()) {
      throw new ModelFormatError(folder, 'not a folder: a transformers.js model is a folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx');
    }
    checkRequiredFiles(folder);
    const configJson = readJsonIfPresent(join(folder, 'config.json'));
    const config = interpretTransformersConfig(configJson);
    const generationConfig = interpretTransformersConfig(readJsonIfPresent(join(folder, 'generation_config.json')));
    const resolvedDtype = resolveOnnxDtype(folder, options.dtype, BACKEND);
    const dtype = resolvedDtype.dtype;
    if (dtype === null) {
      throw new ModelFormatError(
        resolvedDtype.file,
        `transformers.js loads onnx/model.onnx or onnx/model_<dtype>.onnx of a known dtype (${ONNX_DTYPES.join(', ')}), and this name is none of them`,
      );
    }

    const intraOpThreads = resolveThreadCount(options.intraOpThreads);
    const interOpThreads = options.interOpThreads;

    let tokenizer: PreTrainedTokenizer;
    let loaded: PreTrainedModel;
    const tokenizerStart = performance.now();
    try {
      tokenizer = await loadLocalTokenizer(folder);
    } catch (error) {
      throw mapLoadError(error, folder, options.device, 'tokenizer');
    }
    const modelStart = performance.now();
    try {
      loaded = await AutoModelForCausalLM.from_pretrained(await useLocalModelFolder(folder), {
        local_files_only: true,
        dtype,
        device: options.device,
        session_options: { intraOpNumThreads: intraOpThreads, interOpNumThreads: interOpThreads },
      });
    } catch (error) {
      throw mapLoadError(error, folder, options.device, 'model');
    }
    const loadPhasesMs = { tokenizer: modelStart - tokenizerStart, model: performance.now() - modelStart };

    const session = (
      loaded.sessions as Record<string, { config?: { dtype?: string; device?: string }; inputMetadata?: readonly { name: string; type?: string }[] } | undefined>
    )['model'];
    const kvType = session?.inputMetadata?.find((input) => input.name.startsWith('past_key_values.'))?.type;
    const facts: ModelFacts = {
      folder,
      vocabSize: config.vocabSize,
      contextLength: config.contextLength ?? 0,
      bosTokenId: tokenizerBos(tokenizer) ?? generationConfig.bosTokenId ?? config.bosTokenId ?? null,
      eosTokenIds: generationConfig.eosTokenIds ?? config.eosTokenIds ?? [],
      device: session?.config?.device ?? options.device,
      weightsFile: resolvedDtype.file,
      kvBytesPerElement: onnxBytesPerElement(kvType),
      loadPhasesMs,
      resolvedOptions: {
        dtype: session?.config?.dtype ?? dtype,
        dtypeSource: resolvedDtype.reason,
        modelFile: relative(folder, resolvedDtype.file).split('\\').join('/'),
        device: session?.config?.device ?? options.device,
        intraOpThreads,
        interOpThreads,
        eosHandling: 'masked (min_new_tokens)',
      },
    };
    try {
      return await TransformersJsModel.open(tokenizer, loaded, facts);
    } catch (error) {
      await loaded.dispose().catch(() => undefined);
      throw error;
    }
  }
}

function mapLoadError(error: unknown, folder: string, device: string, what: 'tokenizer' | 'model'): Error {
  const message = firstLine(error);
  if (/not found locally|could not locate file|ENOENT/i.test(message)) {
    return new ModelFormatError(folder, `${what} file missing: ${message}`, { cause: error });
  }
  if (what === 'model' && device !== 'cpu' && DEVICE_FAILURE.test(message)) {
    return new BackendUnavailableError(BACKEND, `device ${device} is unavailable here: ${message}`, { cause: error });
  }
  if (/unsupported model type|not supported|unknown model/i.test(message)) {
    return new ModelFormatError(folder, `transformers.js cannot load this ${what}: ${message}`, { cause: error });
  }
  return new BackendRuntimeError(BACKEND, `loading the ${what} of ${folder} on ${device} failed: ${message}`, { cause: error });
}

/**
 * The BOS the tokenizer itself names (`bos_token` of tokenizer_config.json), which `tokenize()` prepends
 * for `addBos`; undefined when it names none.
 */
function tokenizerBos(tokenizer: PreTrainedTokenizer): number | undefined {
  const id = (tokenizer as { bos_token_id?: unknown }).bos_token_id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : undefined;
}
