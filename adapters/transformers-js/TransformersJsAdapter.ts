/**
 * The transformers-js backend: loads a local transformers.js model folder with
 * `AutoTokenizer.from_pretrained` and `AutoModelForCausalLM.from_pretrained` (@huggingface/transformers in
 * Node, running onnxruntime-node). Everything is read from the folder itself: remote loading is off, the
 * file cache is off, and absolute paths are never joined to `env.localModelPath`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import {
  BackendOptionError,
  BackendRuntimeError,
  BackendUnavailableError,
  ModelFormatError,
  ModelNotFoundError,
} from '../../harness/errors.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadedModel, ModelSource } from '../types.js';
import { transformersJsOptions, type TransformersJsOptions } from './index.js';
import { readPackageVersion } from './readPackageVersion.js';
import { resolveDtype } from './resolveDtype.js';
import { TransformersJsModel, type ModelFacts } from './TransformersJsModel.js';

const BACKEND = 'transformers-js';

/** Files every transformers.js model folder needs besides its ONNX file. */
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Messages of onnxruntime / transformers.js errors that mean "this device cannot run here". */
const DEVICE_FAILURE = /execution ?provider|shared library|adapter|unsupported device|cuda|webgpu|dawn|vulkan/i;

export class TransformersJsAdapter implements Adapter<TransformersJsOptions> {
  readonly id = BACKEND;
  readonly capabilities: AdapterCapabilities = { scoring: true, formats: ['transformers-js'] };

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

  async load(model: ModelSource, rawOptions: TransformersJsOptions): Promise<LoadedModel> {
    const parsed = transformersJsOptions.safeParse(rawOptions ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BackendOptionError(BACKEND, issue?.path.join('.') || '(options)', issue?.message ?? 'invalid options');
    }
    const options = parsed.data;

    const folder = resolve(model.path);
    if (!existsSync(folder)) throw new ModelNotFoundError(folder);
    if (model.format !== 'transformers-js') {
      throw new ModelFormatError(folder, `format ${model.format} cannot be loaded by ${BACKEND} (it loads transformers.js model folders)`);
    }
    if (!statSync(folder).isDirectory()) {
      throw new ModelFormatError(folder, 'not a folder: a transformers.js model is a folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx');
    }
    for (const name of REQUIRED_FILES) {
      const file = join(folder, name);
      if (!existsSync(file)) throw new ModelFormatError(file, 'missing: a transformers.js model folder needs config.json, tokenizer.json and tokenizer_config.json');
    }
    const config = readJson(join(folder, 'config.json'));
    const generationConfigPath = join(folder, 'generation_config.json');
    const generationConfig = existsSync(generationConfigPath) ? readJson(generationConfigPath) : {};
    const resolvedDtype = resolveDtype(folder, options.dtype, config);

    const intraOpThreads = options.intraOpThreads === 'auto' ? Math.max(1, availableParallelism() - 1) : options.intraOpThreads;
    const interOpThreads = options.interOpThreads;

    // Local files only. An absolute path never matches transformers.js's model-id pattern, so it is used
    // as is (never joined to env.localModelPath); the file-system cache is turned off so a stale cached
    // copy under env.cacheDir can never shadow the folder's own files.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useFSCache = false;
    env.useBrowserCache = false;
    const modelPath = toModelPath(folder);

    let tokenizer: PreTrainedTokenizer;
    let loaded: PreTrainedModel;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(modelPath, { local_files_only: true });
    } catch (error) {
      throw mapLoadError(error, folder, options.device, 'tokenizer');
    }
    try {
      loaded = await AutoModelForCausalLM.from_pretrained(modelPath, {
        local_files_only: true,
        dtype: resolvedDtype.dtype,
        device: options.device,
        session_options: { intraOpNumThreads: intraOpThreads, interOpNumThreads: interOpThreads },
      });
    } catch (error) {
      throw mapLoadError(error, folder, options.device, 'model');
    }

    const session = (loaded.sessions as Record<string, { config?: { dtype?: string; device?: string } } | undefined>)['model'];
    const facts: ModelFacts = {
      folder,
      vocabSize: positiveInt(config['vocab_size']),
      contextLength: positiveInt(config['max_position_embeddings']) ?? positiveInt(config['n_positions']) ?? 0,
      bosTokenId: tokenId(generationConfig['bos_token_id']) ?? tokenId(config['bos_token_id']) ?? null,
      eosTokenIds: tokenIds(generationConfig['eos_token_id']) ?? tokenIds(config['eos_token_id']) ?? [],
      device: session?.config?.device ?? options.device,
      resolvedOptions: {
        dtype: session?.config?.dtype ?? resolvedDtype.dtype,
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

/** The folder as transformers.js should see it: absolute, forward slashes, no trailing slash. */
function toModelPath(folder: string): string {
  if (!isAbsolute(folder)) throw new Error(`internal: model folder ${folder} is not absolute`);
  const path = folder.split('\\').join('/');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
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

function readJson(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(path, `not valid JSON: ${firstLine(error)}`, { cause: error });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ModelFormatError(path, 'not a JSON object');
  return value as Record<string, unknown>;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function tokenId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function tokenIds(value: unknown): number[] | undefined {
  if (Array.isArray(value)) {
    const ids = value.map(tokenId).filter((id): id is number => id !== undefined);
    return ids.length > 0 ? ids : undefined;
  }
  const id = tokenId(value);
  return id === undefined ? undefined : [id];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim();
}
