/**
 * The JSON files of a transformers.js model folder for a forged model: `config.json`,
 * `generation_config.json`, `tokenizer.json` and `tokenizer_config.json`. The tokenizer is a Hugging Face
 * BPE model with byte fallback and no merges over the forge vocabulary, with Llama's normalizer
 * (prepend `▁`, spaces → `▁`), decoder and BOS post-processor, so it tokenizes as llama.cpp's SPM
 * tokenizer does on the GGUF files.
 */
import type { ForgeDimensions } from './forgePresets.js';
import { SPACE_MARKER, type ForgeVocabulary } from './buildForgeVocabulary.js';

/** File name → JSON value. */
export type TransformersJsFiles = Record<'config.json' | 'generation_config.json' | 'tokenizer.json' | 'tokenizer_config.json', unknown>;

export function buildTransformersJsFiles(dims: ForgeDimensions, vocab: ForgeVocabulary, name: string): TransformersJsFiles {
  const headDim = dims.hiddenSize / dims.numHeads;
  const special = [vocab.unkId, vocab.bosId, vocab.eosId].map((id) => ({
    id,
    content: vocab.tokens[id]!,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const bos = vocab.tokens[vocab.bosId]!;
  const eos = vocab.tokens[vocab.eosId]!;
  const unk = vocab.tokens[vocab.unkId]!;
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
    pad_token_id: vocab.unkId,
    torch_dtype: 'float32',
    use_cache: true,
    'transformers.js_config': { dtype: 'fp32' },
  };
  const generationConfig = { bos_token_id: vocab.bosId, eos_token_id: vocab.eosId, pad_token_id: vocab.unkId };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: SPACE_MARKER },
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARKER },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: bos, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos]: { id: bos, ids: [vocab.bosId], tokens: [bos] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE_MARKER }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
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
      merges: [],
    },
  };
  const tokenizerConfig = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: bos,
    eos_token: eos,
    unk_token: unk,
    pad_token: unk,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: dims.contextLength,
    tokenizer_class: 'LlamaTokenizer',
    added_tokens_decoder: Object.fromEntries(special.map(({ id, ...rest }) => [String(id), rest])),
  };
  return {
    'config.json': config,
    'generation_config.json': generationConfig,
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': tokenizerConfig,
  };
}
