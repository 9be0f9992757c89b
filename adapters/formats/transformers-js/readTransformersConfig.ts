/**
 * The one interpreter of a Hugging Face `config.json` (as found in transformers.js model folders), and of
 * `generation_config.json`: every reader in slmbench (inspection, the backends, the decode roofline, the hub
 * client) gets the same sizes, context length, special tokens and default dtype from the same folder. Knows
 * the common spellings (Llama/Qwen/Phi `num_hidden_layers`, GPT-2 `n_layer`, …) and looks inside
 * `text_config` for multimodal models. Counts (sizes, context, vocabulary) must be positive integers;
 * anything else reads as absent.
 */
import { readFile } from 'node:fs/promises';
import { ModelFormatError } from '../../../harness/errors.js';
import type { ModelDetails } from '../ModelRecord.js';

/** What a config.json states about its model. */
export interface TransformersConfig {
  /** `model_type`, e.g. `llama`. */
  modelType: string | null;
  /** `architectures[0]`, e.g. `LlamaForCausalLM`. */
  architectureClass: string | null;
  /** `_name_or_path`, when given. */
  name: string | null;
  /** `max_position_embeddings` (or `n_positions`, `n_ctx`, `max_sequence_length`). */
  contextLength: number | null;
  /** `vocab_size`. */
  vocabSize: number | null;
  /** Architecture numbers. */
  details: ModelDetails;
  /** `head_dim`, else hidden size ÷ attention heads; null when neither is known. */
  headDim: number | null;
  /** `bos_token_id`, when a token id. */
  bosTokenId: number | null;
  /** `eos_token_id` (a number or a list), when it names token ids. */
  eosTokenIds: number[] | null;
  /**
   * The dtype named by `transformers.js_config.dtype`, as written: a string, or for a per-file dtype object
   * the entry of `model` (else `decoder_model_merged`); null when the config names none. Not checked here:
   * which dtypes exist is the ONNX-file rule's (`onnxFiles`).
   */
  defaultDtype: unknown;
}

/** Reads and interprets the config.json at `path`; ModelFormatError when it is not a JSON object. */
export async function readTransformersConfig(path: string): Promise<TransformersConfig> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(path, `invalid config.json: ${(error as Error).message}`, { cause: error });
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ModelFormatError(path, 'invalid config.json: expected a JSON object');
  }
  return interpretTransformersConfig(config as Record<string, unknown>);
}

/** Interprets a parsed config.json (or generation_config.json); null reads as an empty config. */
export function interpretTransformersConfig(root: Record<string, unknown> | null): TransformersConfig {
  const top = root ?? {};
  const text = isObject(top.text_config) ? { ...top, ...top.text_config } : top;
  const num = (...keys: string[]): number | null => {
    for (const key of keys) {
      const value = text[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return null;
  };
  const count = (...keys: string[]): number | null => {
    for (const key of keys) {
      const value = text[key];
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
    return null;
  };
  const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  const heads = count('num_attention_heads', 'n_head', 'num_heads');
  const hiddenSize = count('hidden_size', 'n_embd', 'd_model');
  const ropeParameters = isObject(text.rope_parameters) ? text.rope_parameters : {};
  const architectures = Array.isArray(top.architectures) ? top.architectures : [];
  const jsConfig = isObject(top['transformers.js_config']) ? top['transformers.js_config'] : {};
  let defaultDtype: unknown = jsConfig.dtype ?? null;
  if (isObject(defaultDtype)) defaultDtype = defaultDtype.model ?? defaultDtype.decoder_model_merged ?? null;
  return {
    modelType: str(top.model_type) ?? str(text.model_type),
    architectureClass: str(architectures[0]),
    name: str(top._name_or_path),
    contextLength: count('max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length'),
    vocabSize: count('vocab_size'),
    details: {
      layers: count('num_hidden_layers', 'n_layer', 'num_layers'),
      hiddenSize,
      heads,
      kvHeads: count('num_key_value_heads', 'num_kv_heads') ?? heads,
      ffnSize: count('intermediate_size', 'n_inner', 'ffn_dim'),
      ropeTheta: num('rope_theta') ?? (typeof ropeParameters.rope_theta === 'number' ? ropeParameters.rope_theta : null),
      normEpsilon: num('rms_norm_eps', 'layer_norm_epsilon', 'layer_norm_eps', 'norm_eps'),
      experts: count('num_local_experts', 'num_experts'),
    },
    headDim: count('head_dim') ?? (hiddenSize !== null && heads !== null ? hiddenSize / heads : null),
    bosTokenId: tokenId(top.bos_token_id),
    eosTokenIds: tokenIds(top.eos_token_id),
    defaultDtype,
  };
}

function tokenId(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

function tokenIds(value: unknown): number[] | null {
  const ids = (Array.isArray(value) ? value : [value]).map(tokenId).filter((id): id is number => id !== null);
  return ids.length > 0 ? ids : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
