/**
 * The model forge: writes a Llama-architecture model with seeded random weights as GGUF files (F32, F16,
 * Q8_0, Q4_0) and as a transformers.js folder (ONNX decoders with KV cache in fp32, q8 and q4 + tokenizer
 * and config files), all holding the same weights and the same tokenizer, so llama.cpp, ONNX Runtime and
 * transformers.js run the same model. The q8 and q4 ONNX files hold exactly the blocks of the Q8_0 and
 * Q4_0 GGUFs (`com.microsoft` MatMulNBits and GatherBlockQuantized with 8 and 4 bits), not
 * transformers.js's own quantization recipes, so each quantized GGUF and its ONNX counterpart are the same
 * weights. With `fit`, the embedding and output weights make the model an exact bigram model of a text
 * (see {@link buildBigramFit}). A `forge.json` manifest records how it was made.
 *
 * Tensors are generated one at a time (each from its own seeded stream) and written to every output file
 * at once, so memory holds one tensor and its encodings, never a whole model.
 */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, OutputError } from '../errors.js';
import { harnessInfo } from '../util/harnessInfo.js';
import { buildBigramFit, DEFAULT_FIT_SMOOTHING, type BigramFit } from './buildBigramFit.js';
import { buildForgeVocabulary, FORGE_BASE_VOCAB_SIZE } from './buildForgeVocabulary.js';
import { buildGgufMetadata, GGUF_ALIGNMENT, type GgufFileType } from './buildGgufMetadata.js';
import { buildLlamaDecoderGraph } from './buildLlamaDecoderGraph.js';
import { buildTransformersJsFiles } from './buildTransformersJsFiles.js';
import { encodeGgmlTensor, GGML_BLOCKS, type GgmlTypeName } from './encodeGgmlTensor.js';
import { encodeGgufHeader, type GgufHeader } from './encodeGgufHeader.js';
import type { ForgeDimensions, ForgePresetName } from './forgePresets.js';
import { HashingFileWriter } from './HashingFileWriter.js';
import type { EncodedOnnxModel } from './OnnxGraphBuilder.js';
import { OnnxModelWriter } from './OnnxModelWriter.js';
import { planLlamaTensors, type ForgeTensor } from './planLlamaTensors.js';
import type { OnnxTensorPlan, OnnxWeightType } from './planOnnxWeights.js';
import { resolveForgeDimensions } from './resolveForgeDimensions.js';
import { SeededRandom } from './SeededRandom.js';
import { makeDir } from '../util/makeDir.js';

/** An ONNX file the forge can write into the transformers.js folder. */
export type ForgeOnnxFormat = 'transformers-js' | 'onnx-q8' | 'onnx-q4';

/**
 * Something the forge can write: a GGUF file of one type, or an ONNX file of the transformers.js folder
 * (`transformers-js` = fp32 `onnx/model.onnx`, `onnx-q8` = `onnx/model_quantized.onnx` holding the Q8_0
 * blocks, `onnx-q4` = `onnx/model_q4.onnx` holding the Q4_0 blocks).
 */
export type ForgeFormat = GgufFileType | ForgeOnnxFormat;

/** Every format, in writing order. */
export const FORGE_FORMATS: readonly ForgeFormat[] = ['F32', 'F16', 'Q8_0', 'Q4_0', 'transformers-js', 'onnx-q8', 'onnx-q4'];

/** The weight type and file (inside the transformers.js folder) of each ONNX format. */
export const FORGE_ONNX_FILES: Readonly<Record<ForgeOnnxFormat, { weightType: OnnxWeightType; file: string }>> = {
  'transformers-js': { weightType: 'fp32', file: 'onnx/model.onnx' },
  'onnx-q8': { weightType: 'q8', file: 'onnx/model_quantized.onnx' },
  'onnx-q4': { weightType: 'q4', file: 'onnx/model_q4.onnx' },
};

/**
 * Version of what the forge writes: bumped whenever the same options would give different bytes
 * (initialisation, vocabulary, graph, metadata) or a different set of files, so `forge.json` tells which
 * forge made a model. 2: q8/q4 ONNX files, the `bigram` preset and `fit`. 3: the q8 ONNX file holds the
 * Q8_0 blocks (MatMulNBits/GatherBlockQuantized, 8 bits) instead of per-tensor int8.
 */
export const FORGE_FORMAT_VERSION = 3;

/** Options of {@link forgeModel}. */
export interface ForgeOptions {
  /** Folder to write into; created when missing. Required. */
  outDir: string;
  /** Shape preset (see `FORGE_PRESETS`). Default: `tiny`. */
  preset?: ForgePresetName | (string & {});
  /** Dimensions replacing the preset's, field by field. Default: none (the preset as it is). */
  dimensions?: Partial<ForgeDimensions>;
  /** Seed of the random weights, an integer in [0, 2^32). Default: 0. */
  seed?: number;
  /**
   * What to write: GGUF types `F32`, `F16`, `Q8_0`, `Q4_0` (files `model-<type>.gguf`) and, in the folder
   * `transformersjs/`, `transformers-js` (fp32 `onnx/model.onnx`), `onnx-q8` (`onnx/model_quantized.onnx`,
   * transformers.js dtype `q8`, the Q8_0 blocks) and `onnx-q4` (`onnx/model_q4.onnx`, dtype `q4`, the Q4_0
   * blocks); the folder's JSON files come with any ONNX format. Default: all seven.
   */
  formats?: readonly ForgeFormat[];
  /**
   * A text to fit: the embedding and output weights make the model an exact bigram model of it (see
   * {@link buildBigramFit}); needs an untied model whose hidden size is at least its vocabulary (preset
   * `bigram`). Default: none (every weight random).
   */
  fit?: string;
  /** Add-k smoothing constant of `fit`. Default: 0.01. */
  fitSmoothing?: number;
  /** Replace forge files already in `outDir`. Default: false (an existing output file is an error). */
  overwrite?: boolean;
  /** Called after each tensor is written. Default: none. */
  onProgress?: (progress: ForgeProgress) => void;
}

/** Progress of a forge run. */
export interface ForgeProgress {
  /** Tensors written so far. */
  tensorsDone: number;
  /** Tensors in the model. */
  tensorsTotal: number;
  /** Parameters written so far. */
  parametersDone: number;
  /** GGUF name of the tensor just written. */
  tensor: string;
}

/** One file the forge wrote. */
export interface ForgeFile {
  /** Path relative to the output folder, `/`-separated. */
  path: string;
  /** `gguf`, `onnx` or `json`. */
  kind: 'gguf' | 'onnx' | 'json';
  /** For GGUF files: the file type (matrices in this type, norms F32). */
  ggufType?: GgufFileType;
  /** For ONNX files: the weight type (transformers.js dtype). */
  onnxWeightType?: OnnxWeightType;
  bytes: number;
  sha256: string;
}

/** How a fitted model was fitted (`forge.json`). */
export interface ForgeFitRecord {
  /** sha256 of the fitted text (UTF-8). */
  textSha256: string;
  /** Characters of the text. */
  characters: number;
  smoothing: number;
  documents: number;
  bigrams: number;
  distinctBigrams: number;
  embeddingValue: number;
  normalizedValue: number;
  construction: string;
}

/** The `forge.json` manifest. */
export interface ForgeManifest {
  forgeFormatVersion: number;
  slmbench: { version: string; gitSha: string | null };
  /** Preset the dimensions started from. */
  preset: string;
  /** Dimensions overridden on top of the preset (empty when none). */
  overrides: Partial<ForgeDimensions>;
  dimensions: ForgeDimensions;
  headDim: number;
  seed: number;
  /** Parameters, tied embeddings counted once. */
  parameters: number;
  /** Model name written into the files. */
  name: string;
  initialization: string;
  /** Present when the model was fitted to a text. */
  fit?: ForgeFitRecord;
  rope: string;
  tokenizer: { vocabSize: number; baseTokens: number; fillerTokens: number; description: string };
  /** How the ONNX weight types store the weights. */
  onnxWeightTypes: Record<OnnxWeightType, string>;
  /**
   * Tensors written in a type other than the file's (rows not a whole number of blocks): name → file
   * (GGUF type, or `onnx-q8` / `onnx-q4`) → type (F16; in ONNX float32 holding the F16-rounded values).
   */
  fallbackTensors: Record<string, Partial<Record<GgufFileType | 'onnx-q8' | 'onnx-q4', GgmlTypeName>>>;
  files: ForgeFile[];
}

/** What {@link forgeModel} returns. */
export interface ForgeResult {
  /** The output folder, as given. */
  outDir: string;
  /** Path of `forge.json`. */
  manifestPath: string;
  manifest: ForgeManifest;
  /** Wall-clock seconds the forge took. */
  seconds: number;
}

const TRANSFORMERS_JS_DIR = 'transformersjs';

/** How each ONNX weight type stores the weights (recorded in `forge.json`). */
export const ONNX_WEIGHT_TYPE_DESCRIPTIONS: Readonly<Record<OnnxWeightType, string>> = {
  fp32: 'every weight float32; MatMul, Gather, Gemm',
  q8:
    'com.microsoft MatMulNBits (bits 8, block 32, zero point 128: code = Q8_0 code + 128) with the codes and scales of the GGUF Q8_0 blocks ' +
    '(f16 scale widened to float32), float32 activations, LM head included; token embedding from the same Q8_0 codes through ' +
    'GatherBlockQuantized (bits 8); matrices whose rows are not whole blocks float32 holding F16-rounded values (as the Q8_0 GGUF stores ' +
    'them in F16); norms float32: the same weights as model-Q8_0.gguf. Not transformers.js\'s own q8 recipe (per-tensor int8, ' +
    'DynamicQuantizeLinear + MatMulInteger), so that llama.cpp, ONNX Runtime and transformers.js compare on identical weights',
  q4:
    'com.microsoft MatMulNBits (bits 4, block 32, zero point 8) with the codes and scales of the GGUF Q4_0 blocks (f16 scale widened to float32), ' +
    'LM head included; token embedding from the same Q4_0 codes through GatherBlockQuantized; matrices whose rows are not whole blocks ' +
    'float32 holding F16-rounded values (as the Q4_0 GGUF stores them in F16); norms float32: the same weights as model-Q4_0.gguf',
};

/** Writes a forged model; see the module comment. */
export async function forgeModel(options: ForgeOptions): Promise<ForgeResult> {
  const started = performance.now();
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ConfigError('the model forge needs a little-endian machine');
  }
  const preset = options.preset ?? 'tiny';
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ConfigError(`forge seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  const formats = options.formats ?? FORGE_FORMATS;
  for (const format of formats) {
    if (!FORGE_FORMATS.includes(format)) {
      throw new ConfigError(`unknown forge format "${String(format)}"; formats: ${FORGE_FORMATS.join(', ')}`);
    }
  }
  if (formats.length === 0) throw new ConfigError('forge: no format to write');
  const overrides = Object.fromEntries(
    Object.entries(options.dimensions ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<ForgeDimensions>;
  const dims = resolveForgeDimensions(preset, overrides);
  const headDim = dims.hiddenSize / dims.numHeads;
  const vocab = buildForgeVocabulary(dims.vocabSize);
  const tensors = planLlamaTensors(dims);
  const parameters = tensors.reduce((sum, t) => sum + elementCount(t), 0);
  const fit = options.fit === undefined ? null : buildBigramFit(options.fit, vocab, dims, options.fitSmoothing ?? DEFAULT_FIT_SMOOTHING);
  const custom = Object.keys(overrides).length > 0;
  const name = `slmbench-forge-${preset}${custom ? '-custom' : ''}-seed${seed}${fit ? '-fit' : ''}`;
  const description = fit
    ? `An exact bigram model of a text (add-${fit.smoothing} smoothing, ${fit.bigrams} bigrams), other weights seeded random, made by the slmbench ` +
      `model forge v${FORGE_FORMAT_VERSION}: Llama shape ${preset}${custom ? ' with overrides' : ''}, seed ${seed}, ${parameters} parameters.`
    : `Seeded random weights (not trained) made by the slmbench model forge v${FORGE_FORMAT_VERSION}: ` +
      `Llama shape ${preset}${custom ? ' with overrides' : ''}, seed ${seed}, ${parameters} parameters.`;

  const ggufTypes = FORGE_FORMATS.filter((f): f is GgufFileType => !(f in FORGE_ONNX_FILES) && formats.includes(f));
  const onnxFormats = FORGE_FORMATS.filter((f): f is ForgeOnnxFormat => f in FORGE_ONNX_FILES && formats.includes(f));
  const onnxModels = onnxFormats.map((format) => {
    const { weightType, file } = FORGE_ONNX_FILES[format];
    const { graph, plan } = buildLlamaDecoderGraph(dims, tensors, weightType);
    const encoded = graph.encode({
      irVersion: 8,
      opset: 17,
      producerName: 'slmbench-forge',
      producerVersion: String(FORGE_FORMAT_VERSION),
      docString: `${description} ONNX weights: ${weightType}.`,
    });
    if (encoded.totalBytes >= 2 ** 31) {
      throw new ConfigError(
        `forge: ${file} would take ${encoded.totalBytes} bytes, over protobuf's 2 GiB limit (external data is not supported); ` +
          `choose smaller dimensions or leave out the ${format} format`,
      );
    }
    return { format, weightType, path: `${TRANSFORMERS_JS_DIR}/${file}`, encoded, plan };
  });
  const dir = options.outDir;
  await prepareOutDir(dir, ggufTypes, onnxModels.length > 0, options.overwrite ?? false);

  const fallbackTensors: ForgeManifest['fallbackTensors'] = {};
  const typeOf = (tensor: ForgeTensor, fileType: GgufFileType): GgmlTypeName => {
    if (tensor.kind === 'norm' || fileType === 'F32') return 'F32';
    if (tensor.shape[1]! % GGML_BLOCKS[fileType].values === 0) return fileType;
    (fallbackTensors[tensor.ggufName] ??= {})[fileType] = 'F16';
    return 'F16';
  };
  for (const model of onnxModels) {
    if (model.format === 'transformers-js') continue;
    for (const p of model.plan) if (p.layout === 'float-f16') (fallbackTensors[p.tensor.ggufName] ??= {})[model.format] = 'F16';
  }

  interface GgufOutput {
    fileType: GgufFileType;
    path: string;
    writer: HashingFileWriter;
    header: GgufHeader;
    types: GgmlTypeName[];
  }
  interface OnnxOutput {
    weightType: OnnxWeightType;
    path: string;
    writer: OnnxModelWriter;
    encoded: EncodedOnnxModel;
    plan: OnnxTensorPlan[];
  }
  const ggufOutputs: GgufOutput[] = [];
  const onnxOutputs: OnnxOutput[] = [];
  const partials: string[] = [];
  const files: ForgeFile[] = [];
  try {
    for (const fileType of ggufTypes) {
      const types = tensors.map((t) => typeOf(t, fileType));
      const header = encodeGgufHeader(
        buildGgufMetadata(dims, vocab, fileType, name, description),
        tensors.map((t, i) => ({ name: t.ggufName, dims: [...t.shape].reverse(), type: types[i]! })),
        GGUF_ALIGNMENT,
      );
      const path = `model-${fileType}.gguf`;
      partials.push(join(dir, `${path}.partial`));
      const writer = await HashingFileWriter.create(join(dir, `${path}.partial`));
      await writer.write(header.bytes);
      ggufOutputs.push({ fileType, path, writer, header, types });
    }
    if (onnxModels.length > 0) makeDir(join(dir, TRANSFORMERS_JS_DIR, 'onnx'));
    for (const model of onnxModels) {
      partials.push(join(dir, `${model.path}.partial`));
      const writer = await OnnxModelWriter.create(join(dir, `${model.path}.partial`), model.encoded, model.plan);
      onnxOutputs.push({ weightType: model.weightType, path: model.path, writer, encoded: model.encoded, plan: model.plan });
    }

    let parametersDone = 0;
    for (const [index, tensor] of tensors.entries()) {
      const values = tensorValues(tensor, seed, fit);
      // The Q8_0 (Q4_0) blocks serve the GGUF Q8_0 (Q4_0) file and the q8 (q4) ONNX file alike.
      const blockCache = new Map<'Q8_0' | 'Q4_0', Uint8Array>();
      const blocksOf = (type: 'Q8_0' | 'Q4_0'): Uint8Array => {
        let blocks = blockCache.get(type);
        if (!blocks) blockCache.set(type, (blocks = encodeGgmlTensor(values, type)));
        return blocks;
      };
      for (const output of ggufOutputs) {
        const placed = output.header.tensors[index]!;
        if (output.writer.position - output.header.bytes.length !== placed.offset) {
          throw new Error(`internal: ${output.path} ${tensor.ggufName} at the wrong offset`);
        }
        const type = output.types[index]!;
        const bytes = type === 'Q8_0' || type === 'Q4_0' ? blocksOf(type) : encodeGgmlTensor(values, type);
        if (bytes.length !== placed.byteLength) throw new Error(`internal: ${output.path} ${tensor.ggufName} has the wrong size`);
        await output.writer.write(bytes);
        await output.writer.padTo(GGUF_ALIGNMENT);
      }
      for (const output of onnxOutputs) {
        const layout = output.plan[index]!.layout;
        await output.writer.writeTensor(index, values, layout === 'q8' ? blocksOf('Q8_0') : layout === 'q4' ? blocksOf('Q4_0') : undefined);
      }
      parametersDone += values.length;
      options.onProgress?.({ tensorsDone: index + 1, tensorsTotal: tensors.length, parametersDone, tensor: tensor.ggufName });
    }

    for (const output of ggufOutputs) {
      const { bytes, sha256 } = await output.writer.close();
      if (bytes !== output.header.bytes.length + output.header.dataBytes) throw new Error(`internal: ${output.path} has the wrong size`);
      await rename(join(dir, `${output.path}.partial`), join(dir, output.path));
      files.push({ path: output.path, kind: 'gguf', ggufType: output.fileType, bytes, sha256 });
    }
    const onnxFiles: ForgeFile[] = [];
    while (onnxOutputs.length > 0) {
      const output = onnxOutputs[0]!;
      const { bytes, sha256 } = await output.writer.close();
      onnxOutputs.shift();
      await rename(join(dir, `${output.path}.partial`), join(dir, output.path));
      onnxFiles.push({ path: output.path, kind: 'onnx', onnxWeightType: output.weightType, bytes, sha256 });
    }
    if (onnxModels.length > 0) {
      const jsonFiles = buildTransformersJsFiles(dims, vocab, name, { dtype: onnxModels[0]!.weightType });
      for (const [file, value] of Object.entries(jsonFiles)) {
        const text = `${JSON.stringify(value, null, 2)}\n`;
        const path = `${TRANSFORMERS_JS_DIR}/${file}`;
        await writeFile(join(dir, path), text);
        files.push({ path, kind: 'json', bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
      }
      files.push(...onnxFiles);
    }
  } catch (error) {
    for (const output of ggufOutputs) await output.writer.abort();
    for (const output of onnxOutputs) await output.writer.abort();
    for (const partial of partials) await rm(partial, { force: true });
    throw error;
  }

  const { version, gitSha } = harnessInfo();
  const manifest: ForgeManifest = {
    forgeFormatVersion: FORGE_FORMAT_VERSION,
    slmbench: { version, gitSha },
    preset,
    overrides,
    dimensions: dims,
    headDim,
    seed,
    parameters,
    name,
    initialization:
      'every matrix N(0, 1/cols) (cols = row length), RMSNorm weights 1; each tensor from its own xoshiro128** stream seeded by (seed, GGUF name), Box-Muller normals' +
      (fit ? '; fitted: token_embd, output, attn_output and ffn_down replaced as `fit.construction` says' : ''),
    ...(fit && options.fit !== undefined
      ? {
          fit: {
            textSha256: createHash('sha256').update(options.fit).digest('hex'),
            characters: [...options.fit].length,
            smoothing: fit.smoothing,
            documents: fit.documents,
            bigrams: fit.bigrams,
            distinctBigrams: fit.distinctBigrams,
            embeddingValue: fit.embeddingValue,
            normalizedValue: fit.normalizedValue,
            construction:
              'documents = text cut at blank lines, trimmed, each tokenized with BOS first; p(v|t) = (n(t,v) + k) / (n(t) + k·vocabSize); ' +
              'token_embd row t = c·e_t; attn_output and ffn_down = 0; output_norm = 1; output row v, column t = ln p(v|t) / s with ' +
              's = c / sqrt(c²/hiddenSize + rmsNormEps) (the normalised one-hot), columns ≥ vocabSize 0: the logits after t are ln p(·|t)',
          },
        }
      : {}),
    rope: 'interleaved pairs (x[2i], x[2i+1]) (GGML "normal" rope, as llama.cpp applies to the llama architecture); Q/K weights identical in GGUF and ONNX',
    tokenizer: {
      vocabSize: dims.vocabSize,
      baseTokens: FORGE_BASE_VOCAB_SIZE,
      fillerTokens: dims.vocabSize - vocab.firstFillerId,
      description:
        '<unk>, <s>, </s>, 256 byte tokens, ▁ and the 94 printable ASCII characters (SentencePiece-style, byte fallback, no merges), then unused <unusedN> fillers',
    },
    onnxWeightTypes: { ...ONNX_WEIGHT_TYPE_DESCRIPTIONS },
    fallbackTensors,
    files,
  };
  const manifestPath = join(dir, 'forge.json');
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir: dir, manifestPath, manifest, seconds: (performance.now() - started) / 1000 };
}

/** The values of one tensor: ones for a norm, seeded normals for a matrix. */
export function generateTensor(tensor: ForgeTensor, seed: number): Float32Array {
  const values = new Float32Array(elementCount(tensor));
  if (tensor.kind === 'norm') return values.fill(1);
  return SeededRandom.forStream(seed, tensor.ggufName).fillNormal(values, tensor.std);
}

/** The values of one tensor of a forged model: {@link generateTensor}'s, or the fit's where it sets them. */
function tensorValues(tensor: ForgeTensor, seed: number, fit: BigramFit | null): Float32Array {
  if (fit) {
    if (tensor.ggufName === 'token_embd.weight') return fit.embedding;
    if (tensor.ggufName === 'output.weight') return fit.output;
    if (/^blk\.\d+\.(attn_output|ffn_down)\.weight$/.test(tensor.ggufName)) return new Float32Array(elementCount(tensor));
  }
  return generateTensor(tensor, seed);
}

function elementCount(tensor: ForgeTensor): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}

/** Creates `outDir`; refuses to replace forge outputs already there unless `overwrite`. */
async function prepareOutDir(outDir: string, ggufTypes: GgufFileType[], transformersJs: boolean, overwrite: boolean): Promise<void> {
  makeDir(outDir, 'forge output folder');
  if (overwrite) {
    // ONNX files of a previous forge that this one does not write would be taken for this model's.
    if (transformersJs) {
      for (const { file } of Object.values(FORGE_ONNX_FILES)) await rm(join(outDir, TRANSFORMERS_JS_DIR, file), { force: true });
    }
    return;
  }
  const outputs = [
    'forge.json',
    ...ggufTypes.map((t) => `model-${t}.gguf`),
    ...(transformersJs ? [TRANSFORMERS_JS_DIR] : []),
  ];
  for (const output of outputs) {
    const exists = await stat(join(outDir, output)).then(
      () => true,
      () => false,
    );
    if (exists) throw new OutputError(`${join(outDir, output)} already exists (overwrite it with --force / overwrite: true)`);
  }
}
