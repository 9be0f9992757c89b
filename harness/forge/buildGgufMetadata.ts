/**
 * GGUF metadata of a forged model for llama.cpp's `llama` architecture, with a SentencePiece (`llama`)
 * tokenizer over the forge vocabulary.
 */
import type { ForgeVocabulary } from './buildForgeVocabulary.js';
import type { GgufValue } from '../../adapters/formats/gguf/GgufValue.js';
import type { ForgeDimensions } from './forgePresets.js';

/** The GGUF file types the forge writes. */
export type GgufFileType = 'F32' | 'F16' | 'Q8_0' | 'Q4_0';

/** `enum llama_ftype` values written as `general.file_type`. */
const LLAMA_FILE_TYPE: Readonly<Record<GgufFileType, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7 };

/** Tensor data alignment (`general.alignment`). */
export const GGUF_ALIGNMENT = 32;

export function buildGgufMetadata(
  dims: ForgeDimensions,
  vocab: ForgeVocabulary,
  fileType: GgufFileType,
  name: string,
  description: string,
): Array<readonly [string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const f32 = (value: number): GgufValue => ({ type: 'float32', value });
  const headDim = dims.hiddenSize / dims.numHeads;
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: name }],
    ['general.description', { type: 'string', value: description }],
    ['general.file_type', u32(LLAMA_FILE_TYPE[fileType])],
  ];
  if (fileType === 'Q8_0' || fileType === 'Q4_0') metadata.push(['general.quantization_version', u32(2)]);
  metadata.push(
    ['general.alignment', u32(GGUF_ALIGNMENT)],
    ['llama.vocab_size', u32(dims.vocabSize)],
    ['llama.context_length', u32(dims.contextLength)],
    ['llama.embedding_length', u32(dims.hiddenSize)],
    ['llama.block_count', u32(dims.numLayers)],
    ['llama.feed_forward_length', u32(dims.intermediateSize)],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.attention.head_count', u32(dims.numHeads)],
    ['llama.attention.head_count_kv', u32(dims.numKvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', f32(dims.rmsNormEps)],
    ['llama.rope.freq_base', f32(dims.ropeTheta)],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'float32', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bosId)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eosId)],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unkId)],
    ['tokenizer.ggml.padding_token_id', u32(vocab.unkId)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: true }],
  );
  return metadata;
}
