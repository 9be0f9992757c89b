/**
 * Reads what the converter needs from a GGUF file of llama.cpp's `llama` architecture: the dimensions,
 * the SentencePiece vocabulary and every tensor's type and place in the file, through the GGUF module's
 * reader (`readGgufHeader`: typed metadata, tensor infos, truncation checks). Everything the converter cannot reproduce exactly is
 * refused with a `ModelFormatError` that names it: another architecture, a tokenizer other than
 * SentencePiece (`llama`), mixture-of-experts, RoPE scaling, partial rotary dimensions, tensor types
 * other than F32/F16/Q8_0/Q4_0, and tensors a Llama decoder does not have (biases, `rope_freqs`, …).
 */
import { readGgufHeader } from '../../adapters/formats/gguf/readGgufHeader.js';
import { ModelFormatError } from '../errors.js';
import { forgeGgmlType, type GgmlTypeName } from '../forge/encodeGgmlTensor.js';
import type { ForgeDimensions } from '../forge/forgePresets.js';
import { planLlamaTensors, type ForgeTensor } from '../forge/planLlamaTensors.js';
import type { SentencePieceVocabulary, TransformersJsFileOptions } from '../forge/buildTransformersJsFiles.js';


/** One tensor of the GGUF, matched to the converter's plan. */
export interface GgufLlamaTensor {
  /** The planned tensor (names, PyTorch-order shape). */
  tensor: ForgeTensor;
  /** Its type in the file. */
  type: GgmlTypeName;
  /** Absolute byte offset of its data in the file. */
  fileOffset: number;
  /** Bytes of its data. */
  byteLength: number;
}

/** A llama GGUF, read. */
export interface GgufLlamaModel {
  path: string;
  /** File size in bytes. */
  sizeBytes: number;
  /** `general.name`, or the file name when absent. */
  name: string;
  /** `general.file_type` (llama_ftype), or null. */
  fileType: number | null;
  dims: ForgeDimensions;
  vocab: SentencePieceVocabulary;
  /** Tokenizer settings from `tokenizer.ggml.*` (llama.cpp's defaults where absent). */
  tokenizer: Required<Pick<TransformersJsFileOptions, 'addBosToken' | 'addEosToken' | 'addSpacePrefix' | 'padTokenId'>>;
  /** Tensors in writing order (the forge's plan). */
  tensors: GgufLlamaTensor[];
}

/** Reads and checks `path`; see the module comment. */
export async function readGgufLlamaModel(path: string): Promise<GgufLlamaModel> {
  const header = await readGgufHeader(path);
  const fail = (problem: string): never => {
    throw new ModelFormatError(path, problem);
  };
  if (header.parts.length > 1) fail(`a split GGUF (${header.parts.length} parts): split files are not supported`);
  const sizeBytes = header.sizeBytes;
  // Metadata values as plain JS values (arrays as arrays), by key.
  const get = (key: string): unknown => {
    const value = header.values.get(key);
    if (value === undefined) return undefined;
    if (value.type === 'array') return Array.from(value.value as ArrayLike<unknown>);
    return value.value;
  };
  const num = (key: string, fallback?: number): number => {
    const value = get(key);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    return fail(`metadata ${key} is missing or not a number (${String(value)})`);
  };

  const architecture = get('general.architecture');
  if (architecture !== 'llama') {
    fail(`architecture "${String(architecture)}" is not supported: slmbench convert reads the llama architecture only`);
  }
  const tokenizerModel = get('tokenizer.ggml.model');
  if (tokenizerModel !== 'llama') {
    fail(
      `tokenizer model "${String(tokenizerModel)}" is not supported: slmbench convert writes SentencePiece ("llama") tokenizers only ` +
        '(BPE vocabularies such as "gpt2" would need their pre-tokenizer, which GGUF names but does not define)',
    );
  }
  const experts = num('llama.expert_count', 0);
  if (experts > 0) fail(`mixture of experts (llama.expert_count ${experts}) is not supported`);
  const scaling = get('llama.rope.scaling.type');
  if (scaling !== undefined && scaling !== 'none') fail(`RoPE scaling "${String(scaling)}" (llama.rope.scaling.type) is not supported`);

  const tokens = get('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) fail('metadata tokenizer.ggml.tokens is missing');
  const tokenList = tokens as string[];
  const scores = (get('tokenizer.ggml.scores') as number[] | undefined) ?? tokenList.map(() => 0);
  const types = (get('tokenizer.ggml.token_type') as number[] | undefined) ?? tokenList.map(() => 1);
  if (scores.length !== tokenList.length || types.length !== tokenList.length) {
    fail(`tokenizer.ggml.scores/token_type do not have one entry per token (${tokenList.length})`);
  }
  const optionalId = (key: string): number | null => {
    const value = get(key);
    if (value === undefined) return null;
    const id = Number(value);
    if (!Number.isInteger(id) || id < 0 || id >= tokenList.length) fail(`metadata ${key} = ${String(value)} is not a token id`);
    return id;
  };
  const unknownByType = types.indexOf(2);
  const unkId = optionalId('tokenizer.ggml.unknown_token_id') ?? (unknownByType >= 0 ? unknownByType : null);
  const bosId = optionalId('tokenizer.ggml.bos_token_id');
  const eosId = optionalId('tokenizer.ggml.eos_token_id');
  const flag = (key: string, fallback: boolean): boolean => {
    const value = get(key);
    return typeof value === 'boolean' ? value : fallback;
  };

  const hiddenSize = num('llama.embedding_length');
  const numHeads = num('llama.attention.head_count');
  const numKvHeads = num('llama.attention.head_count_kv', numHeads);
  const headDim = hiddenSize / numHeads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) fail(`embedding_length ${hiddenSize} / head_count ${numHeads} is not an even head size`);
  if (numHeads % numKvHeads !== 0) fail(`head_count ${numHeads} is not a multiple of head_count_kv ${numKvHeads}`);
  for (const key of ['llama.attention.key_length', 'llama.attention.value_length', 'llama.rope.dimension_count']) {
    const value = num(key, headDim);
    if (value !== headDim) fail(`${key} = ${value} differs from the head size ${headDim}: not supported`);
  }
  const eps = num('llama.attention.layer_norm_rms_epsilon');
  const tensorInfo = header.tensors;
  const byName = new Map(tensorInfo.map((t) => [t.name, t]));
  const dims: ForgeDimensions = {
    vocabSize: tokenList.length,
    hiddenSize,
    intermediateSize: num('llama.feed_forward_length'),
    numLayers: num('llama.block_count'),
    numHeads,
    numKvHeads,
    contextLength: num('llama.context_length'),
    tiedEmbeddings: !byName.has('output.weight'),
    ropeTheta: num('llama.rope.freq_base', 10000),
    // The float32 value as a short decimal when that is the same float32 (9.999999747e-6 → 1e-5).
    rmsNormEps: Math.fround(Number(eps.toPrecision(7))) === Math.fround(eps) ? Number(eps.toPrecision(7)) : eps,
  };

  const planned = planLlamaTensors(dims);
  const plannedNames = new Set(planned.map((t) => t.ggufName));
  const extra = tensorInfo.map((t) => t.name).filter((n) => !plannedNames.has(n));
  if (extra.length > 0) fail(`tensors a Llama decoder without biases does not have are not supported: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', …' : ''}`);
  const missing = planned.map((t) => t.ggufName).filter((n) => !byName.has(n));
  if (missing.length > 0) fail(`missing tensors: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`);
  const tensors = planned.map((tensor): GgufLlamaTensor => {
    const t = byName.get(tensor.ggufName)!;
    const type = forgeGgmlType(t.typeCode);
    if (!type) {
      fail(`tensor ${t.name} has type ${t.typeName}; slmbench convert reads F32, F16, Q8_0 and Q4_0 tensors`);
    }
    const shape = [...t.dims].reverse();
    if (shape.length !== tensor.shape.length || shape.some((d, i) => d !== tensor.shape[i])) {
      fail(`tensor ${t.name} has shape [${shape.join(', ')}] (PyTorch order); the metadata implies [${tensor.shape.join(', ')}]`);
    }
    // The reader checked that every tensor's data lies inside the file.
    return { tensor, type: type!, fileOffset: t.fileOffset, byteLength: t.byteLength! };
  });

  const name = get('general.name');
  const fileType = get('general.file_type');
  return {
    path,
    sizeBytes,
    name: typeof name === 'string' && name !== '' ? name : (path.split(/[\\/]/).pop() ?? path),
    fileType: typeof fileType === 'number' ? fileType : null,
    dims,
    vocab: { tokens: tokenList, scores, types, unkId, bosId, eosId },
    tokenizer: {
      addBosToken: flag('tokenizer.ggml.add_bos_token', true),
      addEosToken: flag('tokenizer.ggml.add_eos_token', false),
      addSpacePrefix: flag('tokenizer.ggml.add_space_prefix', true),
      padTokenId: optionalId('tokenizer.ggml.padding_token_id') ?? unkId ?? 0,
    },
    tensors,
  };
}
