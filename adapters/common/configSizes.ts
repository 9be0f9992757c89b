/**
 * The sizes a transformers.js folder's `config.json` states, as the adapters report them
 * (`RuntimeModelInfo`: context 0 when unknown), read by the one config interpreter.
 */
import { interpretTransformersConfig } from '../formats/transformers-js/readTransformersConfig.js';
import type { JsonObject } from '../onnx-common/readJsonIfPresent.js';

/** What config.json says about the model's sizes. */
export interface ConfigSizes {
  /** `vocab_size`, or null when absent or not a positive integer. */
  vocabSize: number | null;
  /** `max_position_embeddings`, else `n_positions`, `n_ctx`, `max_sequence_length`; 0 when none is a positive integer. */
  contextLength: number;
}

/** @param config the parsed config.json, or null when the folder has none */
export function configSizes(config: JsonObject | null): ConfigSizes {
  const interpreted = interpretTransformersConfig(config);
  return { vocabSize: interpreted.vocabSize, contextLength: interpreted.contextLength ?? 0 };
}
