/**
 * Reads a Hugging Face `config.json` (as found in transformers.js model folders) into the fields of a
 * ModelRecord. Knows the common spellings (Llama/Qwen/Phi `num_hidden_layers`, GPT-2 `n_layer`, …) and
 * looks inside `text_config` for multimodal models.
 */
import { readFile } from 'node:fs/promises';
import { ModelFormatError } from '../errors.js';
import type { ModelDetails } from './ModelRecord.js';

/** What a config.json states about its model. */
export interface TransformersConfig {
  /** `model_type`, e.g. `llama`. */
  modelType: string | null;
  /** `architectures[0]`, e.g. `LlamaForCausalLM`. */
  architectureClass: string | null;
  /** `_name_or_path`, when given. */
  name: string | null;
  /** `max_position_embeddings` (or `n_positions`, `n_ctx`). */
  contextLength: number | null;
  /** `vocab_size`. */
  vocabSize: number | null;
  /** Architecture numbers. */
  details: ModelDetails;
  /**
   * dtype transformers.js loads by default, from `transformers.js_config.dtype` (for a per-file dtype
   * object, the entry of `model` or `decoder_model_merged`); null when the config does not say.
   */
  defaultDtype: string | null;
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
  const root = config as Record<string, unknown>;
  const text = isObject(root.text_config) ? { ...root, ...root.text_config } : root;
  const num = (...keys: string[]): number | null => {
    for (const key of keys) {
      const value = text[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return null;
  };
  const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  const heads = num('num_attention_heads', 'n_head', 'num_heads');
  const ropeParameters = isObject(text.rope_parameters) ? text.rope_parameters : {};
  const architectures = Array.isArray(root.architectures) ? root.architectures : [];
  const jsConfig = isObject(root['transformers.js_config']) ? root['transformers.js_config'] : {};
  let defaultDtype: string | null = null;
  if (typeof jsConfig.dtype === 'string') defaultDtype = jsConfig.dtype;
  else if (isObject(jsConfig.dtype)) defaultDtype = str(jsConfig.dtype.model) ?? str(jsConfig.dtype.decoder_model_merged);
  return {
    modelType: str(root.model_type) ?? str(text.model_type),
    architectureClass: str(architectures[0]),
    name: str(root._name_or_path),
    contextLength: num('max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length'),
    vocabSize: num('vocab_size'),
    details: {
      layers: num('num_hidden_layers', 'n_layer', 'num_layers'),
      hiddenSize: num('hidden_size', 'n_embd', 'd_model'),
      heads,
      kvHeads: num('num_key_value_heads', 'num_kv_heads') ?? heads,
      ffnSize: num('intermediate_size', 'n_inner', 'ffn_dim'),
      ropeTheta:
        num('rope_theta') ?? (typeof ropeParameters.rope_theta === 'number' ? ropeParameters.rope_theta : null),
      normEpsilon: num('rms_norm_eps', 'layer_norm_epsilon', 'layer_norm_eps', 'norm_eps'),
      experts: num('num_local_experts', 'num_experts'),
    },
    defaultDtype,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
