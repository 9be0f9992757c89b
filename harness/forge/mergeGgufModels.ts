/**
 * Merged weights: a GGUF whose tensors are a combination of the tensors of same-architecture GGUFs,
 * - `linear` ("model soup"): Σ wᵢ·modelᵢ, divided by Σ wᵢ unless `normalize: false`;
 * - `task-arithmetic`: base + Σ wᵢ·(modelᵢ − base).
 *
 * Every input (and the base) must have the same architecture, the same tensors with the same shapes, the
 * same tokenizer vocabulary and the same architecture hyperparameters (`<arch>.*`, the context length
 * aside); the first mismatch is refused with a `ModelFormatError` naming the file, the tensor or key and
 * both values. Tensors may be F32, F16, Q8_0 or Q4_0 in any mix; each is dequantized to float32 exactly as
 * ggml does, combined in float64, rounded to float32 and written in the output type: 1-D tensors (norms)
 * stay F32 whatever the type, as llama.cpp keeps them, and matrices whose rows are not whole Q8_0/Q4_0
 * blocks are written F16, as the forge writes them.
 *
 * The output keeps the first input's metadata, with `general.name` saying it is a merge and of what,
 * `general.file_type` (and `general.quantization_version`) set for the output type, and `slmbench.merge.*`
 * keys recording the method, the inputs with their sha256 and weights, and the base. With
 * `transformersJs`, the merged GGUF is also converted into a transformers.js folder by
 * `convertGgufToTransformersJs` (Llama architecture, SentencePiece tokenizer).
 *
 * Tensors are processed one at a time: memory holds one tensor of each input at a time (and of the base)
 * and its float64 sum, never a whole model.
 */
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { convertGgufToTransformersJs, type ConvertResult } from '../convert/convertGgufToTransformersJs.js';
import { dequantizeGgmlTensor } from '../convert/dequantizeGgmlTensor.js';
import { ModelFormatError, OutputError, UsageError } from '../errors.js';
import { sha256File } from '../util/sha256File.js';
import { harnessInfo } from '../util/harnessInfo.js';
import type { GgufFileType } from './buildGgufMetadata.js';
import { encodeGgmlTensor, forgeGgmlType, GGML_BLOCKS, type GgmlTypeName } from './encodeGgmlTensor.js';
import { encodeGgufHeader, type GgufValue } from './encodeGgufHeader.js';
import { HashingFileWriter } from './HashingFileWriter.js';
import { ggufParameterCount } from '../../adapters/formats/gguf/ggufParameterCount.js';
import { readGgufHeader, type GgufHeader, type GgufReadValue, type GgufTensor } from '../../adapters/formats/gguf/readGgufHeader.js';
import { ggmlTypeName } from '../../adapters/formats/gguf/ggmlTypes.js';
import { makeDir } from '../util/makeDir.js';

/** How the inputs are combined; see the module comment. */
export type MergeMethod = 'linear' | 'task-arithmetic';

/** Every merge method. */
export const MERGE_METHODS: readonly MergeMethod[] = ['linear', 'task-arithmetic'];

/** Every output type. */
export const MERGE_OUT_TYPES: readonly GgufFileType[] = ['F32', 'F16', 'Q8_0', 'Q4_0'];

/** Version of the `slmbench.merge.*` metadata; bumped when its keys or meaning change. */
export const MERGE_FORMAT_VERSION = 1;

/** `enum llama_ftype` of each output type, written as `general.file_type`. */
const LLAMA_FILE_TYPE: Readonly<Record<GgufFileType, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7 };
/** `GGML_QNT_VERSION`, written as `general.quantization_version` into quantized outputs. */
const QUANTIZATION_VERSION = 2;

/** One model to merge. */
export interface MergeInput {
  /** A GGUF file. Required. */
  path: string;
  /** Its weight wᵢ, any finite number (negative ones subtract). Default: 1. */
  weight?: number;
}

/** Options of {@link mergeGgufModels}. */
export interface MergeOptions {
  /** The models to merge, at least one; the first one's metadata is kept. Required. */
  inputs: readonly MergeInput[];
  /** `linear` or `task-arithmetic`. Default: `linear`. */
  method?: MergeMethod;
  /** The base GGUF of `task-arithmetic` (required there, refused with `linear`). Default: none. */
  base?: string;
  /** The GGUF file to write; its folder is created when missing. Required. */
  outFile: string;
  /** Type of the output's matrices (1-D tensors stay F32). Default: `F32`. */
  outType?: GgufFileType;
  /** `linear` only: divide by the sum of the weights, which must not be 0. Default: true. */
  normalize?: boolean;
  /** Also write a transformers.js folder (fp32 ONNX) of the merged GGUF into this folder. Default: none. */
  transformersJs?: string;
  /** Replace an existing output file (and an earlier conversion in `transformersJs`). Default: false. */
  overwrite?: boolean;
  /** Called after each tensor is written. Default: none. */
  onProgress?: (progress: { tensorsDone: number; tensorsTotal: number; tensor: string }) => void;
}

/** One merged model, as recorded. */
export interface MergeRecordInput {
  /** The path as given. */
  path: string;
  /** Its `general.name`, or the file name. */
  name: string;
  sha256: string;
  /** The weight as given. */
  weight: number;
  /** What each of its values is multiplied by: wᵢ / Σ w for a normalized linear merge, else wᵢ. */
  coefficient: number;
}

/** How a merged GGUF was made (also in its `slmbench.merge.recipe` metadata, minus paths). */
export interface MergeRecord {
  mergeFormatVersion: number;
  slmbench: { version: string; gitSha: string | null };
  method: MergeMethod;
  /** `linear` only: whether the sum was divided by Σ w. */
  normalize: boolean;
  /** The formula applied to every value. */
  formula: string;
  inputs: MergeRecordInput[];
  /** The base of `task-arithmetic`, else null. */
  base: { path: string; name: string; sha256: string } | null;
  outType: GgufFileType;
  /** The output's `general.name`. */
  name: string;
  /** Tensors written in a type other than `outType` (1-D ones F32; matrices whose rows are not whole blocks F16). */
  otherTypeTensors: Record<string, GgmlTypeName>;
}

/** What {@link mergeGgufModels} returns. */
export interface MergeResult {
  /** The GGUF written, as given. */
  outFile: string;
  bytes: number;
  sha256: string;
  record: MergeRecord;
  /** Tensors written per type. */
  tensorTypes: Record<string, number>;
  /** Parameters as `inspect` counts them (a tied output head stored twice counts once: {@link ggufParameterCount}). */
  parameters: number;
  /** Values written (every tensor's elements). */
  parametersStored: number;
  /** The conversion, when `transformersJs` was given; else null. */
  transformersJs: ConvertResult | null;
  /** Wall-clock seconds, conversion included. */
  seconds: number;
}

/** Merges; see the module comment. */
export async function mergeGgufModels(options: MergeOptions): Promise<MergeResult> {
  const started = performance.now();
  const method = options.method ?? 'linear';
  if (!MERGE_METHODS.includes(method)) throw new UsageError(`unknown merge method "${String(method)}"; methods: ${MERGE_METHODS.join(', ')}`);
  const outType = options.outType ?? 'F32';
  if (!MERGE_OUT_TYPES.includes(outType)) throw new UsageError(`unknown output type "${String(outType)}"; types: ${MERGE_OUT_TYPES.join(', ')}`);
  if (options.inputs.length === 0) throw new UsageError('merge: no model to merge');
  const inputs = options.inputs.map((input) => ({ path: input.path, weight: input.weight ?? 1 }));
  for (const input of inputs) {
    if (typeof input.weight !== 'number' || !Number.isFinite(input.weight)) {
      throw new UsageError(`merge: the weight of ${input.path} must be a finite number, got ${String(input.weight)}`);
    }
  }
  if (method === 'linear' && options.base !== undefined) throw new UsageError('merge: a base model is for task-arithmetic; a linear merge takes none');
  if (method === 'task-arithmetic' && options.base === undefined) throw new UsageError('merge: task-arithmetic needs a base model (--base BASE.gguf)');
  if (method === 'task-arithmetic' && options.normalize === false) throw new UsageError('merge: normalize is for linear merges; task-arithmetic never divides');
  const normalize = method === 'linear' && (options.normalize ?? true);
  const weightSum = inputs.reduce((sum, input) => sum + input.weight, 0);
  if (normalize && weightSum === 0) {
    throw new UsageError('merge: the weights sum to 0, and a normalized linear merge divides by their sum (turn normalize off to add them as they are)');
  }
  const outFile = options.outFile;
  const sources = [...inputs.map((i) => i.path), ...(options.base !== undefined ? [options.base] : [])];
  if (sources.some((path) => resolve(path) === resolve(outFile))) throw new UsageError(`merge: the output ${outFile} is one of the models merged`);

  // Read and compare every header before writing anything.
  const headers = new Map<string, GgufHeader>();
  for (const path of sources) if (!headers.has(resolve(path))) headers.set(resolve(path), await readMergeSource(path));
  const headerOf = (path: string): GgufHeader => headers.get(resolve(path))!;
  const reference = headerOf(inputs[0]!.path);
  for (const header of headers.values()) await checkTensorTypes(header);
  for (const path of sources.slice(1)) {
    const problem = compareHeaders(reference, headerOf(path));
    if (problem) throw new ModelFormatError(path, `cannot be merged with ${reference.path}: ${problem}`);
  }
  const architecture = stringValue(reference, 'general.architecture');
  if (options.transformersJs !== undefined) {
    const tokenizer = stringValue(reference, 'tokenizer.ggml.model');
    if (architecture !== 'llama' || tokenizer !== 'llama') {
      throw new ModelFormatError(
        reference.path,
        `architecture "${String(architecture)}" with tokenizer "${String(tokenizer)}" cannot be converted to ONNX: slmbench convert reads the llama architecture with SentencePiece ("llama") tokenizers only`,
      );
    }
  }
  for (const [key, value] of reference.metadata) {
    if (value.type === 'unsupported' && !key.startsWith('slmbench.merge.')) {
      throw new ModelFormatError(reference.path, `metadata ${key} is a GGUF ${value.description}, which the merge cannot write (it writes the first model's metadata)`);
    }
  }
  if (!options.overwrite && (await exists(outFile))) throw new OutputError(`${outFile} already exists (replace it with --force / overwrite: true)`);
  if (!options.overwrite && options.transformersJs !== undefined) {
    for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'convert.json']) {
      const path = join(options.transformersJs, file);
      if (await exists(path)) throw new OutputError(`${path} already exists (replace it with --force / overwrite: true)`);
    }
  }

  // The recipe.
  const sha256 = new Map<string, string>();
  for (const key of headers.keys()) sha256.set(key, await sha256File(key));
  const modelName = (path: string): string => stringValue(headerOf(path), 'general.name') ?? basename(path);
  const recordInputs: MergeRecordInput[] = inputs.map((input) => ({
    path: input.path,
    name: modelName(input.path),
    sha256: sha256.get(resolve(input.path))!,
    weight: input.weight,
    coefficient: normalize ? input.weight / weightSum : input.weight,
  }));
  const base = options.base === undefined ? null : { path: options.base, name: modelName(options.base), sha256: sha256.get(resolve(options.base))! };
  const short = (n: number): string => String(Number(n.toPrecision(4)));
  const name =
    method === 'linear'
      ? `merge(linear): ${recordInputs.map((i) => `${short(i.coefficient)}·${i.name}`).join(' + ')}`
      : `merge(task-arithmetic): ${base!.name} + ${recordInputs.map((i) => `${short(i.coefficient)}·(${i.name} − ${base!.name})`).join(' + ')}`;
  const formula =
    method === 'task-arithmetic'
      ? 'base + Σ wᵢ·(modelᵢ − base)'
      : normalize
        ? 'Σ wᵢ·modelᵢ / Σ wᵢ'
        : 'Σ wᵢ·modelᵢ';
  const otherTypeTensors: Record<string, GgmlTypeName> = {};
  const types = reference.tensors.map((tensor) => {
    const type = outputType(tensor, outType);
    if (type !== outType) otherTypeTensors[tensor.name] = type;
    return type;
  });
  const { version, gitSha } = harnessInfo();
  const record: MergeRecord = {
    mergeFormatVersion: MERGE_FORMAT_VERSION,
    slmbench: { version, gitSha },
    method,
    normalize,
    formula,
    inputs: recordInputs,
    base,
    outType,
    name,
    otherTypeTensors,
  };

  const header = encodeGgufHeader(
    buildMergedMetadata(reference, record),
    reference.tensors.map((tensor, i) => ({ name: tensor.name, dims: tensor.dims, type: types[i]! })),
    reference.alignment,
  );
  try {
    makeDir(dirname(resolve(outFile)));
  } catch (error) {
    throw new OutputError(`cannot create the folder of ${outFile}: ${(error as Error).message}`);
  }
  const partial = `${outFile}.partial`;
  let writer: HashingFileWriter;
  try {
    writer = await HashingFileWriter.create(partial);
  } catch (error) {
    throw new OutputError(`cannot write ${partial}: ${(error as Error).message}`);
  }
  const handles = new Map<string, FileHandle>();
  const tensorTypes: Record<string, number> = {};
  let written: { bytes: number; sha256: string };
  try {
    for (const key of headers.keys()) handles.set(key, await open(key, 'r'));
    const byName = new Map([...headers].map(([key, h]) => [key, new Map(h.tensors.map((t) => [t.name, t]))]));
    const readValues = async (path: string, name: string): Promise<Float32Array> => {
      const tensor = byName.get(resolve(path))!.get(name)!;
      const bytes = new Uint8Array(tensor.byteLength!);
      const handle = handles.get(resolve(path))!;
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, tensor.fileOffset + done);
        if (bytesRead === 0) throw new ModelFormatError(path, `tensor ${name} is cut short (truncated file?)`);
        done += bytesRead;
      }
      return dequantizeGgmlTensor(bytes, forgeGgmlType(tensor.typeCode)!, tensor.elements);
    };

    await writer.write(header.bytes);
    for (const [index, tensor] of reference.tensors.entries()) {
      const sum = new Float64Array(tensor.elements);
      if (method === 'task-arithmetic') {
        const baseValues = await readValues(options.base!, tensor.name);
        sum.set(baseValues);
        for (const input of inputs) {
          const values = await readValues(input.path, tensor.name);
          const w = input.weight;
          for (let j = 0; j < values.length; j++) sum[j]! += w * (values[j]! - baseValues[j]!);
        }
      } else {
        for (const input of inputs) {
          const values = await readValues(input.path, tensor.name);
          const w = input.weight;
          for (let j = 0; j < values.length; j++) sum[j]! += w * values[j]!;
        }
        if (normalize) for (let j = 0; j < sum.length; j++) sum[j]! /= weightSum;
      }
      const type = types[index]!;
      const placed = header.tensors[index]!;
      if (writer.position - header.bytes.length !== placed.offset) throw new Error(`internal: ${outFile} ${tensor.name} at the wrong offset`);
      const bytes = encodeGgmlTensor(Float32Array.from(sum), type);
      if (bytes.length !== placed.byteLength) throw new Error(`internal: ${outFile} ${tensor.name} has the wrong size`);
      await writer.write(bytes);
      await writer.padTo(reference.alignment);
      tensorTypes[type] = (tensorTypes[type] ?? 0) + 1;
      options.onProgress?.({ tensorsDone: index + 1, tensorsTotal: reference.tensors.length, tensor: tensor.name });
    }
    written = await writer.close();
    if (written.bytes !== header.bytes.length + header.dataBytes) throw new Error(`internal: ${outFile} has the wrong size`);
    await rename(partial, outFile);
  } catch (error) {
    await writer.abort();
    await rm(partial, { force: true });
    throw error;
  } finally {
    for (const handle of handles.values()) await handle.close();
  }

  // Counted on the written file, by inspect's rule: a merge of tied models keeps the head tied.
  const { params: parameters, paramsStored: parametersStored } = await ggufParameterCount((await readGgufHeader(outFile)).tensors);
  const transformersJs =
    options.transformersJs === undefined
      ? null
      : await convertGgufToTransformersJs({ ggufPath: outFile, outDir: options.transformersJs, overwrite: options.overwrite ?? false });
  return {
    outFile,
    bytes: written.bytes,
    sha256: written.sha256,
    record,
    tensorTypes,
    parameters,
    parametersStored,
    transformersJs,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The type a tensor is written in: see the module comment. */
function outputType(tensor: GgufTensor, outType: GgufFileType): GgmlTypeName {
  if (outType === 'F32' || tensor.dims.length === 1) return 'F32';
  if (outType === 'F16') return 'F16';
  return tensor.dims[0]! % GGML_BLOCKS[outType].values === 0 ? outType : 'F16';
}

/** Refuses tensors the dequantizer does not read. */
async function checkTensorTypes(header: GgufHeader): Promise<void> {
  const tensor = header.tensors.find((t) => forgeGgmlType(t.typeCode) === null);
  if (!tensor) return;
  const known = ggmlTypeName(tensor.typeCode);
  const typeName = known.startsWith('type ') ? `code ${tensor.typeCode}` : known;
  throw new ModelFormatError(header.path, `tensor ${tensor.name} has type ${typeName}; slmbench forge merge reads F32, F16, Q8_0 and Q4_0 tensors`);
}

/** The header of a model to merge: one GGUF file (the merge reads and writes single files, not split models). */
async function readMergeSource(path: string): Promise<GgufHeader> {
  const header = await readGgufHeader(path);
  if (header.parts.length > 1) throw new ModelFormatError(path, `a split GGUF (${header.parts.length} parts) cannot be merged: merge single-file models`);
  return header;
}

/** The first difference that makes `other` unmergeable with `reference`, or null. */
function compareHeaders(reference: GgufHeader, other: GgufHeader): string | null {
  const architecture = stringValue(reference, 'general.architecture');
  const otherArchitecture = stringValue(other, 'general.architecture');
  if (architecture !== otherArchitecture) return `architecture ${quote(otherArchitecture)} here, ${quote(architecture)} there`;
  // Tensors, in the reference's order, then tensors only `other` has.
  const otherTensors = new Map(other.tensors.map((t) => [t.name, t]));
  for (const tensor of reference.tensors) {
    const match = otherTensors.get(tensor.name);
    if (!match) return `tensor ${tensor.name} is missing here`;
    if (match.dims.length !== tensor.dims.length || match.dims.some((d, i) => d !== tensor.dims[i])) {
      return `tensor ${tensor.name} has shape ${shape(match)} here, ${shape(tensor)} there (PyTorch order): only models of the same shapes can be merged`;
    }
  }
  const referenceNames = new Set(reference.tensors.map((t) => t.name));
  const extra = other.tensors.find((t) => !referenceNames.has(t.name));
  if (extra) return `tensor ${extra.name} is here but not there`;
  // The tokenizer.
  const tokenizer = stringValue(reference, 'tokenizer.ggml.model');
  const otherTokenizer = stringValue(other, 'tokenizer.ggml.model');
  if (tokenizer !== otherTokenizer) return `tokenizer model ${quote(otherTokenizer)} here, ${quote(tokenizer)} there`;
  const tokens = tokenList(reference);
  const otherTokens = tokenList(other);
  if (tokens === null || otherTokens === null) {
    if (tokens !== otherTokens) return tokens === null ? 'a vocabulary (tokenizer.ggml.tokens) here, none there' : 'no vocabulary (tokenizer.ggml.tokens) here, one there';
  } else {
    const common = Math.min(tokens.length, otherTokens.length);
    for (let i = 0; i < common; i++) {
      if (tokens[i] !== otherTokens[i]) return `the vocabularies differ at token ${i}: ${JSON.stringify(otherTokens[i])} here, ${JSON.stringify(tokens[i])} there`;
    }
    if (tokens.length !== otherTokens.length) return `the vocabularies differ: ${otherTokens.length} tokens here, ${tokens.length} there`;
  }
  // Hyperparameters of the architecture (the context length may differ; the first model's is kept).
  if (architecture !== null) {
    const prefix = `${architecture}.`;
    const keys = new Set([...reference.values.keys(), ...other.values.keys()].filter((k) => k.startsWith(prefix) && k !== `${prefix}context_length`));
    for (const key of keys) {
      const a = reference.values.get(key);
      const b = other.values.get(key);
      if (!sameValue(a, b)) return `metadata ${key} is ${describe(b)} here, ${describe(a)} there`;
    }
  }
  return null;
}

/** The metadata of the merged file: the reference's, renamed and retyped, plus `slmbench.merge.*`. */
function buildMergedMetadata(reference: GgufHeader, record: MergeRecord): Array<readonly [string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const out: Array<readonly [string, GgufValue]> = [];
  const quantized = record.outType === 'Q8_0' || record.outType === 'Q4_0';
  for (const [key, value] of reference.metadata) {
    if (key.startsWith('slmbench.merge.') || key === 'general.name' || key === 'general.file_type' || key === 'general.quantization_version') continue;
    if (value.type === 'unsupported') throw new Error(`internal: unsupported metadata ${key} reached the writer`);
    out.push([key, value]);
    if (key === 'general.architecture') {
      out.push(['general.name', { type: 'string', value: record.name }], ['general.file_type', u32(LLAMA_FILE_TYPE[record.outType])]);
      if (quantized) out.push(['general.quantization_version', u32(QUANTIZATION_VERSION)]);
    }
  }
  if (!reference.values.has('general.architecture')) {
    out.unshift(['general.name', { type: 'string', value: record.name }], ['general.file_type', u32(LLAMA_FILE_TYPE[record.outType])]);
    if (quantized) out.splice(2, 0, ['general.quantization_version', u32(QUANTIZATION_VERSION)]);
  }
  const recipe = {
    mergeFormatVersion: record.mergeFormatVersion,
    slmbench: record.slmbench,
    method: record.method,
    normalize: record.normalize,
    formula: record.formula,
    inputs: record.inputs.map(({ path, ...rest }) => ({ file: basename(path), ...rest })),
    base: record.base === null ? null : { file: basename(record.base.path), name: record.base.name, sha256: record.base.sha256 },
    outType: record.outType,
  };
  out.push(
    ['slmbench.merge.version', u32(record.mergeFormatVersion)],
    ['slmbench.merge.method', { type: 'string', value: record.method }],
    ['slmbench.merge.inputs', { type: 'array', itemType: 'string', value: record.inputs.map((i) => basename(i.path)) }],
    ['slmbench.merge.inputs_sha256', { type: 'array', itemType: 'string', value: record.inputs.map((i) => i.sha256) }],
    ['slmbench.merge.weights', { type: 'array', itemType: 'float32', value: Float32Array.from(record.inputs, (i) => i.weight) }],
  );
  if (record.method === 'linear') out.push(['slmbench.merge.normalize', { type: 'bool', value: record.normalize }]);
  if (record.base) {
    out.push(['slmbench.merge.base', { type: 'string', value: basename(record.base.path) }], ['slmbench.merge.base_sha256', { type: 'string', value: record.base.sha256 }]);
  }
  out.push(['slmbench.merge.recipe', { type: 'string', value: JSON.stringify(recipe) }]);
  return out;
}

function quote(value: string | null): string {
  return value === null ? 'absent' : JSON.stringify(value);
}

function stringValue(header: GgufHeader, key: string): string | null {
  const value = header.values.get(key);
  return value?.type === 'string' ? value.value : null;
}

function tokenList(header: GgufHeader): readonly string[] | null {
  const value = header.values.get('tokenizer.ggml.tokens');
  return value?.type === 'array' && value.itemType === 'string' ? value.value : null;
}

function shape(tensor: GgufTensor): string {
  return `[${[...tensor.dims].reverse().join(', ')}]`;
}

function sameValue(a: GgufReadValue | undefined, b: GgufReadValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.type !== b.type) return false;
  if (a.type === 'unsupported' || b.type === 'unsupported') return a.type === 'unsupported' && b.type === 'unsupported' && a.description === b.description;
  if (a.type === 'array' && b.type === 'array') {
    if (a.itemType !== b.itemType || a.value.length !== b.value.length) return false;
    for (let i = 0; i < a.value.length; i++) if (!Object.is(a.value[i], b.value[i])) return false;
    return true;
  }
  return a.type !== 'array' && b.type !== 'array' && Object.is(a.value, b.value);
}

function describe(value: GgufReadValue | undefined): string {
  if (value === undefined) return 'absent';
  if (value.type === 'unsupported') return `a GGUF ${value.description}`;
  if (value.type === 'array') return `a ${value.itemType} array of ${value.value.length}`;
  return `${value.type} ${JSON.stringify(value.value)}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
