/**
 * The JSON files of a transformers.js model folder for a Llama model with a SentencePiece ("llama")
 * vocabulary: `config.json`, `generation_config.json`, `tokenizer.json` and `tokenizer_config.json`.
 * The tokenizer is a Hugging Face BPE model with byte fallback whose merges reproduce SentencePiece's
 * score-ordered merging (see {@link buildSentencePieceMerges}; none for the forge vocabulary, whose
 * tokens are single characters), with Llama's normalizer (prepend `▁` when the vocabulary adds a space
 * prefix, spaces → `▁`), decoder and BOS post-processor, so it tokenizes as llama.cpp's SPM tokenizer
 * does on the GGUF. Control and unknown tokens are special added tokens, user-defined tokens plain added
 * tokens.
 */
import { SPACE_MARKER, TOKEN_TYPE } from './buildForgeVocabulary.js';
import { buildSentencePieceMerges } from './buildSentencePieceMerges.js';
import type { ForgeDimensions } from './forgePresets.js';
import type { OnnxWeightType } from './planOnnxWeights.js';

/** File name → JSON value. */
export type TransformersJsFiles = Record<'config.json' | 'generation_config.json' | 'tokenizer.json' | 'tokenizer_config.json', unknown>;

/** A SentencePiece vocabulary as GGUF stores it (`tokenizer.ggml.*`). */
export interface SentencePieceVocabulary {
  /** Token strings by id. */
  tokens: readonly string[];
  /** Scores by id. */
  scores: ArrayLike<number>;
  /** llama.cpp token types by id (`TOKEN_TYPE`). */
  types: ArrayLike<number>;
  /** Unknown-token id, or null when the vocabulary has none. */
  unkId: number | null;
  /** Beginning-of-sequence id, or null. */
  bosId: number | null;
  /** End-of-sequence id, or null. */
  eosId: number | null;
}

/** Options of {@link buildTransformersJsFiles}. */
export interface TransformersJsFileOptions {
  /** `transformers.js_config.dtype` of config.json: the weight type loaded by default. Default: `fp32`. */
  dtype?: OnnxWeightType;
  /** The tokenizer puts BOS first. Default: true. */
  addBosToken?: boolean;
  /** The tokenizer puts EOS last. Default: false. */
  addEosToken?: boolean;
  /** A `▁` is prepended to the text (SentencePiece `add_dummy_prefix`). Default: true. */
  addSpacePrefix?: boolean;
  /** Padding id. Default: the unknown token's id (0 when there is none). */
  padTokenId?: number;
}

export function buildTransformersJsFiles(
  dims: ForgeDimensions,
  vocab: SentencePieceVocabulary,
  name: string,
  options: TransformersJsFileOptions = {},
): TransformersJsFiles {
  const headDim = dims.hiddenSize / dims.numHeads;
  const addBos = (options.addBosToken ?? true) && vocab.bosId !== null;
  const addEos = (options.addEosToken ?? false) && vocab.eosId !== null;
  const addSpacePrefix = options.addSpacePrefix ?? true;
  const padId = options.padTokenId ?? vocab.unkId ?? 0;
  const tokenAt = (id: number | null): string | null => (id === null ? null : (vocab.tokens[id] ?? null));
  const added = vocab.tokens.flatMap((content, id) => {
    const type = vocab.types[id];
    const special = type === TOKEN_TYPE.control || type === TOKEN_TYPE.unknown;
    if (!special && type !== TOKEN_TYPE.userDefined) return [];
    return [{ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special }];
  });
  const bos = tokenAt(vocab.bosId);
  const eos = tokenAt(vocab.eosId);
  const unk = tokenAt(vocab.unkId);
  const pad = tokenAt(padId);
  const config = {
    _name_or_path: name,
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: dims.vocabSize,
    hidden_size: dims.hiddenSize,
    intermediate_size: dims.intermediateSize,
    num_hidden_layers: dims.numLayers,
    num_attention_heads: dims.numHeads,
    num_key_value_heads: dims.numKvHeads,
    head_dim: headDim,
    max_position_embeddings: dims.contextLength,
    rms_norm_eps: dims.rmsNormEps,
    rope_theta: dims.ropeTheta,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: dims.tiedEmbeddings,
    bos_token_id: vocab.bosId,
    eos_token_id: vocab.eosId,
    pad_token_id: padId,
    torch_dtype: 'float32',
    use_cache: true,
    'transformers.js_config': { dtype: options.dtype ?? 'fp32' },
  };
  const generationConfig = { bos_token_id: vocab.bosId, eos_token_id: vocab.eosId, pad_token_id: padId };
  const template = (sequence: 'A' | 'B', typeId: number): unknown[] => [
    ...(addBos ? [{ SpecialToken: { id: bos, type_id: typeId } }] : []),
    { Sequence: { id: sequence, type_id: typeId } },
    ...(addEos ? [{ SpecialToken: { id: eos, type_id: typeId } }] : []),
  ];
  const specialTokens: Record<string, unknown> = {};
  if (addBos && bos !== null) specialTokens[bos] = { id: bos, ids: [vocab.bosId], tokens: [bos] };
  if (addEos && eos !== null) specialTokens[eos] = { id: eos, ids: [vocab.eosId], tokens: [eos] };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        ...(addSpacePrefix ? [{ type: 'Prepend', prepend: SPACE_MARKER }] : []),
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARKER },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: template('A', 0),
      pair: [...template('A', 0), ...template('B', 1)],
      special_tokens: specialTokens,
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE_MARKER }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        ...(addSpacePrefix ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab.tokens.map((token, id) => [token, id])),
      merges: buildSentencePieceMerges(vocab),
    },
  };
  const tokenizerConfig = {
    add_bos_token: addBos,
    add_eos_token: addEos,
    bos_token: bos,
    eos_token: eos,
    unk_token: unk,
    pad_token: pad,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: dims.contextLength,
    tokenizer_class: 'LlamaTokenizer',
    added_tokens_decoder: Object.fromEntries(added.map(({ id, ...rest }) => [String(id), rest])),
  };
  return {
    'config.json': config,
    'generation_config.json': generationConfig,
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizerConfig,
  };
}
