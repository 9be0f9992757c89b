/**
 * The model forge: writes a Llama-architecture model with seeded random weights as GGUF files (F32, F16,
 * Q8_0, Q4_0) and as a transformers.js folder (fp32 ONNX decoder with KV cache + tokenizer and config
 * files), all holding the same weights and the same tokenizer, so llama.cpp, ONNX Runtime and
 * transformers.js run the same model. A `forge.json` manifest records how it was made.
 *
 * Tensors are generated one at a time (each from its own seeded stream) and written to every output file
 * at once, so memory holds one tensor and its encodings, never a whole model.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, OutputError } from '../errors.js';
import { harnessInfo } from '../util/harnessInfo.js';
import { buildForgeVocabulary, FORGE_BASE_VOCAB_SIZE } from './buildForgeVocabulary.js';
import { buildGgufMetadata, GGUF_ALIGNMENT, type GgufFileType } from './buildGgufMetadata.js';
import { buildLlamaDecoderGraph } from './buildLlamaDecoderGraph.js';
import { buildTransformersJsFiles } from './buildTransformersJsFiles.js';
import { encodeGgmlTensor, GGML_BLOCKS, type GgmlTypeName } from './encodeGgmlTensor.js';
import { encodeGgufHeader, type GgufHeader } from './encodeGgufHeader.js';
import type { ForgeDimensions, ForgePresetName } from './forgePresets.js';
import { HashingFileWriter } from './HashingFileWriter.js';
import { planLlamaTensors, type ForgeTensor } from './planLlamaTensors.js';
import { resolveForgeDimensions } from './resolveForgeDimensions.js';
import { SeededRandom } from './SeededRandom.js';

/** Something the forge can write: a GGUF file of one type, or the transformers.js folder. */
export type ForgeFormat = GgufFileType | 'transformers-js';

/** Every format, in writing order. */
export const FORGE_FORMATS: readonly ForgeFormat[] = ['F32', 'F16', 'Q8_0', 'Q4_0', 'transformers-js'];

/**
 * Version of what the forge writes: bumped whenever the same options would give different bytes
 * (initialisation, vocabulary, graph, metadata), so `forge.json` tells which forge made a model.
 */
export const FORGE_FORMAT_VERSION = 1;

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
   * What to write: GGUF types `F32`, `F16`, `Q8_0`, `Q4_0` (files `model-<type>.gguf`) and
   * `transformers-js` (folder `transformersjs/`). Default: all five.
   */
  formats?: readonly ForgeFormat[];
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
  bytes: number;
  sha256: string;
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
  rope: string;
  tokenizer: { vocabSize: number; baseTokens: number; fillerTokens: number; description: string };
  /** Tensors written in a type other than the file's (rows not a whole number of blocks): name → type. */
  fallbackTensors: Record<string, Partial<Record<GgufFileType, GgmlTypeName>>>;
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
const ONNX_PATH = `${TRANSFORMERS_JS_DIR}/onnx/model.onnx`;

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
  const custom = Object.keys(overrides).length > 0;
  const name = `slmbench-forge-${preset}${custom ? '-custom' : ''}-seed${seed}`;
  const description =
    `Seeded random weights (not trained) made by the slmbench model forge v${FORGE_FORMAT_VERSION}: ` +
    `Llama shape ${preset}${custom ? ' with overrides' : ''}, seed ${seed}, ${parameters} parameters.`;

  const ggufTypes = FORGE_FORMATS.filter((f): f is GgufFileType => f !== 'transformers-js' && formats.includes(f));
  const writeTransformersJs = formats.includes('transformers-js');
  const outDir = options.outDir;
  const onnx = writeTransformersJs
    ? buildLlamaDecoderGraph(dims, tensors).encode({
        irVersion: 8,
        opset: 17,
        producerName: 'slmbench-forge',
        producerVersion: String(FORGE_FORMAT_VERSION),
        docString: description,
      })
    : null;
  if (onnx && onnx.totalBytes >= 2 ** 31) {
    throw new ConfigError(
      `forge: the ONNX file would take ${onnx.totalBytes} bytes, over protobuf's 2 GiB limit (external data is not supported); ` +
        'choose smaller dimensions or leave out the transformers-js format',
    );
  }
  await prepareOutDir(outDir, ggufTypes, writeTransformersJs, options.overwrite ?? false);

  const fallbackTensors: ForgeManifest['fallbackTensors'] = {};
  const typeOf = (tensor: ForgeTensor, fileType: GgufFileType): GgmlTypeName => {
    if (tensor.kind === 'norm' || fileType === 'F32') return 'F32';
    if (tensor.shape[1]! % GGML_BLOCKS[fileType].values === 0) return fileType;
    (fallbackTensors[tensor.ggufName] ??= {})[fileType] = 'F16';
    return 'F16';
  };

  interface GgufOutput {
    fileType: GgufFileType;
    path: string;
    writer: HashingFileWriter;
    header: GgufHeader;
    types: GgmlTypeName[];
  }
  const ggufOutputs: GgufOutput[] = [];
  let onnxWriter: HashingFileWriter | null = null;
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
      partials.push(join(outDir, `${path}.partial`));
      const writer = await HashingFileWriter.create(join(outDir, `${path}.partial`));
      await writer.write(header.bytes);
      ggufOutputs.push({ fileType, path, writer, header, types });
    }
    if (onnx) {
      await mkdir(join(outDir, TRANSFORMERS_JS_DIR, 'onnx'), { recursive: true });
      partials.push(join(outDir, `${ONNX_PATH}.partial`));
      onnxWriter = await HashingFileWriter.create(join(outDir, `${ONNX_PATH}.partial`));
      await onnxWriter.write(onnx.head);
    }

    let parametersDone = 0;
    for (const [index, tensor] of tensors.entries()) {
      const values = generateTensor(tensor, seed);
      for (const output of ggufOutputs) {
        const placed = output.header.tensors[index]!;
        if (output.writer.position - output.header.bytes.length !== placed.offset) {
          throw new Error(`internal: ${output.path} ${tensor.ggufName} at the wrong offset`);
        }
        const bytes = encodeGgmlTensor(values, output.types[index]!);
        if (bytes.length !== placed.byteLength) throw new Error(`internal: ${output.path} ${tensor.ggufName} has the wrong size`);
        await output.writer.write(bytes);
        await output.writer.padTo(GGUF_ALIGNMENT);
      }
      if (onnx && onnxWriter) {
        const weight = onnx.weights[index]!;
        const data = tensor.onnxTransposed ? transpose(values, tensor.shape[0], tensor.shape[1]!) : values;
        if (data.byteLength !== weight.byteLength) throw new Error(`internal: ONNX ${weight.name} has the wrong size`);
        await onnxWriter.write(weight.prefix);
        await onnxWriter.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      parametersDone += values.length;
      options.onProgress?.({ tensorsDone: index + 1, tensorsTotal: tensors.length, parametersDone, tensor: tensor.ggufName });
    }

    for (const output of ggufOutputs) {
      const { bytes, sha256 } = await output.writer.close();
      if (bytes !== output.header.bytes.length + output.header.dataBytes) throw new Error(`internal: ${output.path} has the wrong size`);
      await rename(join(outDir, `${output.path}.partial`), join(outDir, output.path));
      files.push({ path: output.path, kind: 'gguf', ggufType: output.fileType, bytes, sha256 });
    }
    if (onnx && onnxWriter) {
      const { bytes, sha256 } = await onnxWriter.close();
      onnxWriter = null;
      if (bytes !== onnx.totalBytes) throw new Error(`internal: ${ONNX_PATH} has the wrong size`);
      await rename(join(outDir, `${ONNX_PATH}.partial`), join(outDir, ONNX_PATH));
      const jsonFiles = buildTransformersJsFiles(dims, vocab, name);
      for (const [file, value] of Object.entries(jsonFiles)) {
        const text = `${JSON.stringify(value, null, 2)}\n`;
        const path = `${TRANSFORMERS_JS_DIR}/${file}`;
        await writeFile(join(outDir, path), text);
        files.push({ path, kind: 'json', bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
      }
      files.push({ path: ONNX_PATH, kind: 'onnx', bytes, sha256 });
    }
  } catch (error) {
    for (const output of ggufOutputs) await output.writer.abort();
    if (onnxWriter) await onnxWriter.abort();
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
      'every matrix N(0, 1/cols) (cols = row length), RMSNorm weights 1; each tensor from its own xoshiro128** stream seeded by (seed, GGUF name), Box-Muller normals',
    rope: 'interleaved pairs (x[2i], x[2i+1]) (GGML "normal" rope, as llama.cpp applies to the llama architecture); Q/K weights identical in GGUF and ONNX',
    tokenizer: {
      vocabSize: dims.vocabSize,
      baseTokens: FORGE_BASE_VOCAB_SIZE,
      fillerTokens: dims.vocabSize - vocab.firstFillerId,
      description:
        '<unk>, <s>, </s>, 256 byte tokens, ▁ and the 94 printable ASCII characters (SentencePiece-style, byte fallback, no merges), then unused <unusedN> fillers',
    },
    fallbackTensors,
    files,
  };
  const manifestPath = join(outDir, 'forge.json');
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, manifestPath, manifest, seconds: (performance.now() - started) / 1000 };
}

/** The values of one tensor: ones for a norm, seeded normals for a matrix. */
export function generateTensor(tensor: ForgeTensor, seed: number): Float32Array {
  const values = new Float32Array(elementCount(tensor));
  if (tensor.kind === 'norm') return values.fill(1);
  return SeededRandom.forStream(seed, tensor.ggufName).fillNormal(values, tensor.std);
}

function elementCount(tensor: ForgeTensor): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}

/** Row-major [rows, cols] → row-major [cols, rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * cols + c]!;
      }
    }
  }
  return out;
}

/** Creates `outDir`; refuses to replace forge outputs already there unless `overwrite`. */
async function prepareOutDir(outDir: string, ggufTypes: GgufFileType[], transformersJs: boolean, overwrite: boolean): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new OutputError(`cannot create forge output folder ${outDir}: ${(error as Error).message}`);
  }
  if (overwrite) return;
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
