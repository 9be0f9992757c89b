/**
 * The onnxruntime backend: creates an onnxruntime-node session for a decoder graph, loads the model's
 * tokenizer with transformers.js (tokenizer only, local files only), and hands both to
 * {@link OnnxRuntimeModel}, which runs slmbench's own greedy KV-cache loop.
 */
import * as ort from 'onnxruntime-node';
import { BackendUnavailableError, ModelFormatError } from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';
import { loadLocalTokenizer } from '../onnx-common/loadLocalTokenizer.js';
import { parseBackendOptions } from '../common/parseBackendOptions.js';
import type { JsonObject } from '../onnx-common/readJsonIfPresent.js';
import { configSizes } from '../common/configSizes.js';
import { onnxBytesPerElement } from '../formats/onnx/onnxDataTypes.js';
import { readPackageVersion } from '../common/readPackageVersion.js';
import { interpretTransformersConfig } from '../formats/transformers-js/readTransformersConfig.js';
import { resolveThreadCount } from '../common/resolveThreadCount.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadedModel, ModelSource } from '../types.js';
import { decoderFeeds, emptyPast } from './decoderFeeds.js';
import { describeDecoderGraph, type DecoderGraph } from './describeDecoderGraph.js';
import { onnxRuntimeOptions, type OnnxRuntimeOptions } from './index.js';
import { OnnxRuntimeModel, type TextTokenizer } from './OnnxRuntimeModel.js';
import { resolveModelFiles, type ModelFiles } from './resolveModelFiles.js';

const BACKEND = 'onnxruntime';

/** Loads decoders for the onnxruntime backend; see the module comment. */
export class OnnxRuntimeAdapter implements Adapter<OnnxRuntimeOptions> {
  readonly capabilities: AdapterCapabilities = { stepwise: true, prefixCache: true, batching: 'static' };

  /**
   * `onnxruntime-node`: the npm package's version (its package.json). `onnxruntime`: the runtime it
   * bundles, as onnxruntime-node reports it (`ort.env.versions.node`; the package ships the native
   * library of its own version).
   */
  async versions(): Promise<BackendVersions> {
    const manifest = readPackageVersion('onnxruntime-node', import.meta.url);
    if (!manifest) throw new BackendUnavailableError(BACKEND, 'cannot find the package.json of onnxruntime-node');
    return { 'onnxruntime-node': manifest.version, onnxruntime: ort.env.versions.node ?? manifest.version };
  }

  /**
   * Resolves the model's files, creates the session with the options, checks that the graph is a
   * decoder this loop can drive and loads the tokenizer.
   * @throws ModelNotFoundError, ModelFormatError (missing tokenizer files, corrupt ONNX, not a decoder),
   *   BackendOptionError (bad option, dtype file missing), BackendUnavailableError (cuda not available)
   */
  async load(model: ModelSource, options: OnnxRuntimeOptions): Promise<LoadedModel> {
    const opts = parseBackendOptions(BACKEND, onnxRuntimeOptions, options);
    const files = resolveModelFiles(model.path, opts.dtype);
    const intraOpThreads = resolveThreadCount(opts.intraOpThreads);
    const sessionStart = performance.now();
    const session = await createSession(files.onnxPath, opts, intraOpThreads);
    const sessionMs = performance.now() - sessionStart;
    try {
      const sizes = configSizes(files.config);
      const graph = describeDecoderGraph(session.inputMetadata, session.outputMetadata, files.onnxPath, files.config);
      const tokenizerStart = performance.now();
      const tokenizer = await loadTokenizer(files.folder);
      const tokenizerMs = performance.now() - tokenizerStart;
      const vocabSize = graph.vocabSize ?? sizes.vocabSize ?? (await probeVocabSize(session, graph));
      return new OnnxRuntimeModel({
        session,
        graph,
        tokenizer,
        folder: files.folder,
        info: {
          vocabSize,
          contextLength: sizes.contextLength,
          bosTokenId: templateBos(tokenizer),
          eosTokenIds: eosTokenIds(files, tokenizer),
          resolvedOptions: {
            intraOpThreads,
            interOpThreads: opts.interOpThreads,
            graphOptimizationLevel: opts.graphOptimizationLevel,
            executionProviders: [...opts.executionProviders],
            enableMemPattern: opts.enableMemPattern,
            enableCpuMemArena: opts.enableCpuMemArena,
            dtype: files.dtype,
            modelFile: files.onnxFile,
            kvCache: graph.kv.length > 0,
            elementType: graph.logitsType,
            kvCacheElementType: graph.kv[0]?.type ?? null,
          },
          loadPhasesMs: { session: sessionMs, tokenizer: tokenizerMs },
          tokenHandover: 'stream',
          // The first provider listed takes every node it supports.
          device: opts.executionProviders[0] ?? 'cpu',
          weightsFile: files.onnxPath,
          kvBytesPerElement: onnxBytesPerElement(graph.kv[0]?.type),
          gpus: opts.executionProviders[0] === 'cuda' ? [0] : [],
        },
      });
    } catch (error) {
      await session.release();
      throw error;
    }
  }
}

async function createSession(path: string, opts: OnnxRuntimeOptions, intraOpThreads: number): Promise<ort.InferenceSession> {
  const wantsCuda = opts.executionProviders.includes('cuda');
  if (wantsCuda && !ort.listSupportedBackends().some((backend) => backend.name === 'cuda')) {
    throw new BackendUnavailableError(BACKEND, `execution provider cuda is not part of this onnxruntime-node build (${process.platform}-${process.arch})`);
  }
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: [...opts.executionProviders],
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: opts.interOpThreads,
      graphOptimizationLevel: opts.graphOptimizationLevel,
      enableMemPattern: opts.enableMemPattern,
      enableCpuMemArena: opts.enableCpuMemArena,
      executionMode: 'sequential',
    });
  } catch (error) {
    const message = firstLine(error);
    if (wantsCuda && /cuda|cudnn|cublas|execution ?provider|shared library/i.test(message)) {
      throw new BackendUnavailableError(
        BACKEND,
        `execution provider cuda is unavailable (${message}); onnxruntime-node fetches its CUDA binaries only when installed with --onnxruntime-node-install=cuda12, and they need CUDA 12 and cuDNN 9`,
        { cause: error },
      );
    }
    throw new ModelFormatError(path, `onnxruntime cannot load this model: ${message}`, { cause: error });
  }
}

/** The tokenizer of `folder` through transformers.js, never fetching anything. */
async function loadTokenizer(folder: string): Promise<TextTokenizer> {
  try {
    return await loadLocalTokenizer(folder);
  } catch (error) {
    throw new ModelFormatError(`${folder}/tokenizer.json`, `transformers.js cannot load the tokenizer: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * The BOS id as the tokenizer's own template adds it: the one id that encoding with special tokens puts
 * before the ids encoded without them. Null when the template adds nothing in front (the model has no
 * BOS for `tokenize(…, {addBos: true})` to add).
 */
function templateBos(tokenizer: TextTokenizer): number | null {
  const probe = 'Hello world';
  const plain = tokenizer.encode(probe, { add_special_tokens: false });
  const special = tokenizer.encode(probe, { add_special_tokens: true });
  if (special.length <= plain.length) return null;
  const rest = special.slice(1, 1 + plain.length);
  return rest.every((id, i) => id === plain[i]) ? special[0]! : null;
}

/**
 * Ids that end a sequence: generation_config.json's `eos_token_id` and config.json's (a number or a
 * list each), in that order; the tokenizer's EOS when neither names one.
 */
function eosTokenIds(files: ModelFiles, tokenizer: TextTokenizer): number[] {
  const ids = new Set<number>();
  for (const source of [files.generationConfig, files.config]) {
    for (const id of interpretTransformersConfig(source).eosTokenIds ?? []) ids.add(id);
  }
  if (ids.size === 0) {
    const fromTokenizer = (tokenizer as unknown as JsonObject)['eos_token_id'];
    if (Number.isInteger(fromTokenizer)) ids.add(fromTokenizer as number);
  }
  return [...ids];
}

/** Vocabulary size from one run over a single token, for graphs and configs that do not state it. */
async function probeVocabSize(session: ort.InferenceSession, graph: DecoderGraph): Promise<number> {
  const outputs = await session.run(decoderFeeds(graph, [0], 0, emptyPast(graph)));
  const vocab = outputs['logits']?.dims.at(-1) ?? 0;
  for (const value of Object.values(outputs)) value.dispose();
  return vocab;
}
